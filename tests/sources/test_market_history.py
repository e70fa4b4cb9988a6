"""The simulated venue's candles and funding, read as the app reads them (ccxt through the
read-only guard, over loopback), then judged: the probability of liquidation on served
symmetric +-s candles against the random walk's barrier probability, and funding per day
against sum(notional x rate x intervals a day), signed, on the rates served."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import numpy as np
import pytest

from monitor.domain import Account, Book, Maintenance, Position, Side
from monitor.domain.risk.funding import FundingRate, pool_funding
from monitor.domain.risk.paths import joint_returns
from monitor.domain.risk.probability import Settings, liquidation_probability
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.market_history import MarketHistoryReader
from monitor.sources.sim import SimVenue
from tests.domain.random_walk import A, S, barrier_probability, symmetric_returns

BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"


def read(venue: SimVenue, work: Any) -> Any:
    async def go() -> Any:
        reader = MarketHistoryReader("binanceusdm", api_url=venue.url, enable_rate_limit=False)
        try:
            return await work(reader)
        finally:
            await reader.close()

    return asyncio.run(go())


def test_served_symmetric_candles_give_the_random_walk_barrier_probability(
    sim_venue: SimVenue,
) -> None:
    mark = sim_venue.marks()["BTCUSDT"]
    sim_venue.history.set_returns("BTCUSDT", symmetric_returns(), last=mark)
    candles = read(sim_venue, lambda r: r.candles([BTC]))
    stamps, closes = candles[BTC]
    assert len(stamps) >= 7 * 24 * 60 - 1
    assert np.allclose(np.abs(np.diff(np.log(closes))), S, rtol=1e-6)

    # One cross long, flat 0.5 %: W + q (P - E) - q P r = 0 at P = mark e^-(A - 0.5) s.
    q, rate = 0.2, 0.005
    liq = mark * math.exp(-(A - 0.5) * S)
    wallet = q * mark - q * (1 - rate) * liq
    long = Position(BTC, Side.LONG, q, mark, mark, Maintenance.flat(rate))
    book = Book.build([Account("walk", wallet, (long,))])
    [risk] = liquidation_probability(book, joint_returns(candles), Settings(paths=3000, seed=4))
    got, expected = risk.by_horizon["24h"], barrier_probability(1440, A)
    assert abs(got.p - expected) <= got.error + 0.02, (got, expected)


def test_funding_per_day_is_notional_times_rate_times_intervals_signed(sim_venue: SimVenue) -> None:
    sim_venue.history.set_funding("BTCUSDT", "0.00010000")  # 8 h
    sim_venue.history.set_funding("ETHUSDT", "-0.00030000", interval_hours=4)
    rates = read(sim_venue, lambda r: r.funding([BTC, ETH]))
    assert rates == {BTC: FundingRate(0.0001, 8.0), ETH: FundingRate(-0.0003, 4.0)}

    marks = sim_venue.marks()
    btc, eth = marks["BTCUSDT"], marks["ETHUSDT"]
    flat = Maintenance.flat(0.01)
    long = Position(BTC, Side.LONG, 0.5, btc, btc, flat)
    short = Position(ETH, Side.SHORT, 3.0, eth, eth, flat)
    wallet = 2_000.0
    [pool] = pool_funding(Book.build([Account("carry", wallet, (long, short))]), rates, 2.0)

    # The long pays 0.01 % three times a day; the short pays too: the rate is negative.
    expected = -(0.5 * btc) * 0.0001 * 3 + (3.0 * eth) * -0.0003 * 6
    assert pool.per_day == pytest.approx(expected, rel=1e-12)
    assert pool.per_day < 0
    # Entry = mark: no PnL; maintenance 1 % of each notional; the wallet alone pays.
    mm = 0.01 * (0.5 * btc + 3.0 * eth)
    assert pool.days_to_liquidation == pytest.approx((wallet - mm) / -expected, rel=1e-12)
    assert pool.days_to_warning == pytest.approx((wallet - 2.0 * mm) / -expected, rel=1e-12)


def test_a_receiving_book_has_no_runway_limit(sim_venue: SimVenue) -> None:
    sim_venue.history.set_funding("BTCUSDT", "-0.00020000")
    rates = read(sim_venue, lambda r: r.funding([BTC]))
    btc = sim_venue.marks()["BTCUSDT"]
    long = Position(BTC, Side.LONG, 1.0, btc, btc, Maintenance.flat(0.01))
    [pool] = pool_funding(Book.build([Account("paid", 5_000.0, (long,))]), rates, 2.0)
    assert pool.per_day == pytest.approx(btc * 0.0002 * 3, rel=1e-12)
    assert pool.days_to_liquidation is None and pool.days_to_warning is None


def test_a_bad_served_close_is_named(sim_venue: SimVenue) -> None:
    returns = symmetric_returns()
    returns[100] = 50.0  # the closes before it ~e^-50: printed as 0.00000000 by the venue
    sim_venue.history.set_returns("BTCUSDT", returns, last=1.0)
    with pytest.raises(Malformed, match=r"binanceusdm candles BTC/USDT:USDT #\d+ close"):
        read(sim_venue, lambda r: r.candles([BTC]))


def test_a_crash_window_replayed_on_todays_book(sim_venue: SimVenue) -> None:
    """The venue serves a crash in its last day: flat, then 0.1 % a minute down for 150
    minutes, then back up. Replayed on a cross long (flat 0.5 %), the minutes to each level
    and the worst health follow from the served shape and the pool's formula, restated here."""
    from monitor.domain.model import Thresholds
    from monitor.domain.risk.replay import replay

    down = 0.001
    returns = np.zeros(7 * 24 * 60)
    returns[-600:-450] = -down  # the crash starts 840 minutes into the last day
    returns[-450:-300] = down
    mark = sim_venue.marks()["BTCUSDT"]
    sim_venue.history.set_returns("BTCUSDT", returns, last=mark)
    end = sim_venue.history.klines("BTCUSDT", None, None, 1)[0][0]
    candles = read(sim_venue, lambda r: r.candles([BTC], days=1.0, now_ms=end))
    stamps = candles[BTC][0]
    assert len(stamps) == 24 * 60 + 1

    q, rate, wallet = 1.0, 0.005, 0.1 * mark
    long = Position(BTC, Side.LONG, q, mark, mark, Maintenance.flat(rate))
    limits = Thresholds(warning=4.0, critical=2.0)
    [pool] = replay(Book.build([Account("crash", wallet, (long,))]), candles, limits)

    prices = mark * np.exp(np.concatenate([[0.0], np.cumsum(returns[-1440:])]))
    prices = prices / prices[0] * mark
    health = (wallet + q * (prices - mark)) / (q * prices * rate)
    for level, bound in (("warning", 4.0), ("critical", 2.0), ("liquidation", 1.0)):
        first = np.flatnonzero(health <= bound)
        assert pool.minutes[level] == (float(first[0]) if first.size else None), level
    assert pool.minutes["liquidation"] is not None  # the crash liquidates this pool
    assert pool.worst_health == pytest.approx(health.min(), rel=1e-6)
    assert pool.worst_minute == float(np.argmin(health))


def test_replay_window_through_the_service_helper(sim_venue: SimVenue) -> None:
    """A window the venue has candles for is replayed; a window it has none for (here: one
    that has not happened yet) says unknown — never a calm replay."""
    from monitor.domain.model import Thresholds
    from monitor.service.crash_replay import replay_window

    returns = np.zeros(7 * 24 * 60)
    returns[-300:-100] = -0.002  # -33 % over 200 minutes
    mark = sim_venue.marks()["BTCUSDT"]
    sim_venue.history.set_returns("BTCUSDT", returns, last=mark * float(np.exp(-0.4)))
    end = sim_venue.history.klines("BTCUSDT", None, None, 1)[0][0]
    long = Position(BTC, Side.LONG, 1.0, mark, mark, Maintenance.flat(0.005))
    pools = [Account("crash", 0.2 * mark, (long,))]

    def run(start: int, stop: int) -> Any:
        coro = replay_window(pools, Thresholds(), "binanceusdm", sim_venue.url, start, stop)
        return asyncio.run(coro)

    [pool] = run(end - 6 * 3_600_000, end)
    # The window's 361 closes relative to its first; the pool: (W + P - mark) / (0.005 P).
    price = mark * np.exp(np.concatenate([[0.0], np.cumsum(returns[-360:])]))
    health = (0.2 * mark + price - mark) / (0.005 * price)
    assert pool.reason is None
    assert pool.minutes["liquidation"] == float(np.flatnonzero(health <= 1.0)[0])
    assert pool.worst_health == pytest.approx(health.min(), rel=1e-6)
    [later] = run(end + 3_600_000, end + 7 * 3_600_000)
    assert later.reason is not None and later.reason.startswith("unknown: no candles")
    assert later.worst_health is None and later.minutes == {}
    # Candles that cover only part of the window are no replay of it either.
    [part] = run(end - 3_600_000, end + 3_600_000)
    assert part.reason is not None and part.reason.startswith("unknown: no candles")
