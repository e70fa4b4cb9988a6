"""OKX's documented margin rules for linear swaps, stated plainly in scalars.

Sources (cited per rule below):
[pos]  "Get positions" field descriptions, https://www.okx.com/docs-v5/en/#trading-account-rest-
       api-get-positions (upl, notionalUsd, imr, mmr, mgnRatio, liqPx).
[bal]  "Get balance", https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-balance.
[tier] "Get position tiers", https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-
       tiers, and OKX's "Position tiers" pages: the larger the position (in contracts), the higher
       the maintenance margin rate; one rate for the whole position.
[cross] "Futures mode: cross margin trading" (single-currency margin), https://www.okx.com/help/
       iii-single-currency-margin-cross-margin-trading: margin ratio of a currency = (balance +
       PnL - sell orders - option buys - isolated requirements - fees of pending orders) /
       (maintenance margin + liquidation fee); liquidation at margin ratio <= 100 %.
[iso]  "Introduction to the isolated mode of Spot and futures / Multi-currency / Portfolio
       margin", https://www.okx.com/help/vii-introduction-to-the-isolated-mode-of-single-multi-
       currency-portfolio-margin: margin ratio = (margin + upl) / (maintenance margin + fee).

No pending orders exist in the simulation, so the order terms of [cross] are 0. The liquidation
fee is the account's taker rate on the notional at MARK (OKX's docs do not spell out the price;
our choice, which reproduces the ccxt-recorded OKX cross sample's mgnRatio AND liqPx exactly).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from monitor.sources.sim.okx.book import OkxBook, OkxPosition
from monitor.sources.sim.okx.instruments import OkxInstrument


@dataclass(frozen=True)
class Leg:
    """One position with what the rules need of its instrument and account."""

    index: int  # position's index in its book
    position: OkxPosition
    inst: OkxInstrument
    mmr_rate: float  # [tier] the band holding |pos| contracts
    taker: float  # the account's taker rate for the settle currency (positive)

    def notional(self, px: float) -> float:
        """[pos] notional = |pos| x ctVal x mark (linear), in the settle currency."""
        return abs(self.position.pos) * self.inst.ct_val * px

    def upl(self, px: float) -> float:
        """[pos] upl = (markPx - avgPx) x pos x ctVal, pos signed by the exposure."""
        return self.position.signed * self.inst.ct_val * (px - self.position.avg_px)

    def maintenance(self, px: float) -> float:
        """[pos]/[tier] the `mmr` field, an AMOUNT: notional x mmr rate of the tier."""
        return self.notional(px) * self.mmr_rate

    def close_fee(self, px: float) -> float:
        """[cross]/[iso] the liquidation fee: notional at mark x the account's taker rate."""
        return self.notional(px) * self.taker

    def initial(self, px: float) -> float:
        """[pos] imr = position size x markPx x 1/lever (cross positions)."""
        return self.notional(px) / self.position.lever

    def entry_initial(self) -> float:
        """The initial margin at the entry price: the base of `uplRatio` (upl / this), which
        reproduces the ccxt-recorded OKX samples; the docs only say "calculated by mark"."""
        return (
            abs(self.position.pos) * self.inst.ct_val * self.position.avg_px / self.position.lever
        )


@dataclass(frozen=True)
class Pool:
    """A cross currency (single-currency margin) or one isolated position."""

    name: str  # "USDT" / "USDC", or "isolated <symbol> <side>"
    ccy: str
    cash: float  # cross: cashBal; isolated: the position's margin
    legs: tuple[Leg, ...]
    cross: bool


def legs_of(book: OkxBook, instruments: Mapping[str, OkxInstrument]) -> tuple[Leg, ...]:
    legs = []
    for i, p in enumerate(book.positions):
        inst = instruments[p.inst_id]
        legs.append(Leg(i, p, inst, inst.tier_for(p.pos).mmr, book.fees.taker(inst.settle)))
    return tuple(legs)


def pools_of(book: OkxBook, instruments: Mapping[str, OkxInstrument]) -> tuple[Pool, ...]:
    """[cross] cross positions share their settle currency's pool; each isolated position is a
    pool of its own holding its margin."""
    legs = legs_of(book, instruments)
    pools: list[Pool] = []
    for ccy in sorted({leg.inst.settle for leg in legs if not leg.position.isolated}):
        cross = tuple(g for g in legs if not g.position.isolated and g.inst.settle == ccy)
        pools.append(Pool(ccy, ccy, float(book.cash.get(ccy, 0.0)), cross, True))
    for leg in legs:
        if leg.position.isolated:
            name = f"isolated {leg.inst.symbol} {leg.position.side}"
            pools.append(
                Pool(name, leg.inst.settle, float(leg.position.margin or 0.0), (leg,), False)
            )
    return tuple(pools)


def pool_equity(pool: Pool, marks: Mapping[str, float]) -> float:
    """[cross] balance + PnL of the cross positions; [iso] margin + upl."""
    return pool.cash + sum(leg.upl(marks[leg.inst.inst_id]) for leg in pool.legs)


def pool_requirement(pool: Pool, marks: Mapping[str, float]) -> float:
    """[cross]/[iso] maintenance margin + liquidation fee, summed over the pool's positions."""
    total = 0.0
    for leg in pool.legs:
        px = marks[leg.inst.inst_id]
        total += leg.maintenance(px) + leg.close_fee(px)
    return total


def margin_ratio(pool: Pool, marks: Mapping[str, float]) -> float | None:
    """[cross]/[iso] mgnRatio = equity / (maintenance + liquidation fee); 1 liquidates."""
    requirement = pool_requirement(pool, marks)
    return None if requirement <= 0 else pool_equity(pool, marks) / requirement


def liquidation_price(pool: Pool, inst_id: str, marks: Mapping[str, float]) -> float | None:
    """[pos] liqPx: the mark of `inst_id` at which the pool's margin ratio is exactly 1, every
    leg of that instrument in the pool moving to it and all other marks held. Found by
    bracketing + bisection on the margin condition (equity - requirement = 0). None: no
    positive price liquidates (OKX reports "")."""

    def surplus(px: float) -> float:
        moved = dict(marks)
        moved[inst_id] = px
        return pool_equity(pool, moved) - pool_requirement(pool, moved)

    return _root(surplus, marks[inst_id])


def _root(f: Callable[[float], float], start: float) -> float | None:
    at_start = f(start)
    if at_start == 0:
        return start
    bracket = _bracket(f, start, at_start)
    if bracket is None:
        return None
    lo, hi = bracket
    f_lo = f(lo)
    for _ in range(400):
        mid = 0.5 * (lo + hi)
        if hi - lo <= 1e-13 * hi or mid in (lo, hi):
            break
        f_mid = f(mid)
        if f_mid == 0:
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _bracket(
    f: Callable[[float], float], start: float, at_start: float
) -> tuple[float, float] | None:
    """An interval (lo, hi) in (0, inf) over which f changes sign, searched from `start`
    downwards (halving towards 0) and upwards (doubling)."""
    positive = at_start > 0
    hi = start
    for _ in range(1100):  # down to ~1e-330 x start: as close to 0 as a float gets
        lo = hi / 2
        if lo == 0:
            break
        if (f(lo) > 0) != positive:
            return lo, hi
        hi = lo
    lo = start
    for _ in range(1000):
        hi = lo * 2
        if not math.isfinite(hi):
            break
        if (f(hi) > 0) != positive:
            return lo, hi
        lo = hi
    return None


def by_leg(pools: Sequence[Pool]) -> dict[int, Pool]:
    """Each position's pool, by the position's index in its book."""
    return {leg.index: pool for pool in pools for leg in pool.legs}
