"""Probability of liquidation and funding for a set of pools: read the venue's candles and
funding (sources), then judge (domain). Qt-free; `check` runs it once, risk_job.py in the
background.

Nothing is ever reported as a reassuring 0 for want of data: a pool without candles or rates
gets None and the reason, in words ("unknown: no candles ...").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from monitor.domain.book import Book
from monitor.domain.model import Account
from monitor.domain.risk.funding import FundingRate, pool_funding
from monitor.domain.risk.move_bands import MoveBand
from monitor.domain.risk.paths import JointReturns, joint_returns
from monitor.domain.risk.probability import Estimate, Settings, liquidation_probability
from monitor.sources.exchange.errors import SourceError
from monitor.sources.exchange.market_history import MarketHistoryReader

NO_VENUE = "no venue to read them from"


@dataclass(frozen=True)
class MarketInputs:
    """What the venue gave, or why not (`*_unknown`, in words)."""

    history: JointReturns | None
    history_unknown: str | None
    rates: Mapping[str, FundingRate] | None
    rates_unknown: str | None

    @staticmethod
    def none(why: str = NO_VENUE) -> MarketInputs:
        return MarketInputs(
            None, f"unknown: no candles ({why})", None, f"unknown: no funding ({why})"
        )


@dataclass(frozen=True)
class PoolRisk:
    """One cross pool's (symbol None) or isolated position's figures. `pool` indexes the
    pools given; per horizon p and its Monte-Carlo standard error; funding per day in the
    pool's collateral (negative: paying) and days to the warning level and to 1.0 at today's
    rates and marks (None: never at this pace, or unknown: then the `*_unknown` reason)."""

    pool: int
    symbol: str | None
    probability: Mapping[str, Estimate]
    probability_unknown: str | None
    funding_per_day: float | None
    days_to_warning: float | None
    days_to_liquidation: float | None
    funding_unknown: str | None
    # Per horizon, the band of the pool's market move (for the stress chart); may be empty.
    moves: Mapping[str, MoveBand] = field(default_factory=dict)


async def read_market(
    venue: str | None, api_url: str | None, symbols: Sequence[str], days: float = 7.0
) -> MarketInputs:
    """The venue's 1-minute mark candles over the last `days` and its current funding for
    `symbols`; a failure of either is kept as its reason, the other still read."""
    if venue is None:
        return MarketInputs.none()
    reader = MarketHistoryReader(venue, api_url=api_url)
    history: JointReturns | None = None
    rates: Mapping[str, FundingRate] | None = None
    history_unknown = rates_unknown = None
    try:
        try:
            history = joint_returns(await reader.candles(symbols, days))
        except (SourceError, ValueError) as exc:
            history_unknown = f"unknown: no candles ({exc})"
        try:
            rates = await reader.funding(symbols)
        except SourceError as exc:
            rates_unknown = f"unknown: no funding ({exc})"
    finally:
        await reader.close()
    return MarketInputs(history, history_unknown, rates, rates_unknown)


def pool_risks(
    pools: Sequence[Account],
    warnings: Sequence[float],
    market: MarketInputs,
    settings: Settings | None = None,
) -> list[PoolRisk]:
    """Every cross pool holding positions, then every isolated position, of `pools`."""
    book = Book.build(tuple(pools))
    moves: list[Mapping[str, MoveBand]]
    if market.history is not None:
        found = liquidation_probability(book, market.history, settings or Settings())
        units = [(u.pool, u.symbol, u.by_horizon, u.reason) for u in found]
        moves = [u.moves for u in found]
    else:
        units = [
            (f.pool, f.symbol, {}, market.history_unknown) for f in pool_funding(book, {}, 1.0)
        ]
        moves = [{} for _ in units]
    if market.rates is not None:
        funding = [
            (f.per_day, f.days_to_warning, f.days_to_liquidation, f.reason)
            for f in pool_funding(book, market.rates, warnings)
        ]
    else:
        funding = [(None, None, None, market.rates_unknown)] * len(units)
    return [
        PoolRisk(pool, symbol, by, why, *money, bands)
        for (pool, symbol, by, why), money, bands in zip(units, funding, moves, strict=True)
    ]
