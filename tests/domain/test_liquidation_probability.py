"""Probability of liquidation on bootstrapped paths, against the symmetric random walk's
first-passage probability re-stated here (reflection principle), and a perfect hedge at ~0."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor.domain import Account, Book, Maintenance, MarginMode, Position, Side
from monitor.domain.risk.paths import joint_returns
from monitor.domain.risk.probability import Settings, liquidation_probability
from tests.domain.random_walk import P0, RATE, A, S, barrier_probability, symmetric_closes


def long_wallet(liquidation_price: float, q: float = 1.0) -> float:
    """Wallet of a cross long (entry = mark = P0, flat rate) that liquidates at that price:
    W + q (P - P0) - q P RATE = 0."""
    return q * P0 - q * (1.0 - RATE) * liquidation_price


def position(symbol: str, side: Side, mode: MarginMode = MarginMode.CROSS, **kw: float) -> Position:
    return Position(
        symbol,
        side,
        1.0,
        P0,
        P0,
        Maintenance.flat(RATE),
        margin_mode=mode,
        **kw,  # type: ignore[arg-type]
    )


def test_one_long_matches_the_random_walk_barrier_probability():
    # The liquidation price half a step inside the 40th down-step: hit when the walk's net
    # is -40 or below, never at -39.
    p_liq = P0 * math.exp(-(A - 0.5) * S)
    book = Book.build(
        [Account("walk", long_wallet(p_liq), (position("BTC/USDT:USDT", Side.LONG),))]
    )
    history = joint_returns({"BTC/USDT:USDT": symmetric_closes()})
    [risk] = liquidation_probability(book, history, Settings(paths=4000, seed=11))
    assert risk.reason is None and risk.symbol is None
    for name, n in (("1h", 60), ("8h", 480), ("24h", 1440)):
        expected = barrier_probability(n, A)
        got = risk.by_horizon[name]
        assert abs(got.p - expected) <= got.error + 0.02, (name, got, expected)
    assert risk.by_horizon["24h"].p > 0.2  # the check above is not about an empty tail


@pytest.mark.parametrize("drift", [S / 20, -S / 20])  # the week rose (fell) ~50 % (~-40 %)
def test_a_weeks_trend_is_not_carried_into_the_odds(drift: float) -> None:
    # A week's trend is no forecast (its own standard error is about its size): the paths
    # keep the week's moves, not its direction, so a long in a rising week is judged on the
    # same walk as in a flat one, never talked safe by the trend (nor alarmed by a fall).
    p_liq = P0 * math.exp(-(A - 0.5) * S)
    book = Book.build(
        [Account("walk", long_wallet(p_liq), (position("BTC/USDT:USDT", Side.LONG),))]
    )
    history = joint_returns({"BTC/USDT:USDT": symmetric_closes(drift=drift)})
    [risk] = liquidation_probability(book, history, Settings(paths=4000, seed=11))
    got, expected = risk.by_horizon["24h"], barrier_probability(1440, A)
    assert abs(got.p - expected) <= got.error + 0.02, (got, expected)


def test_two_perfectly_correlated_opposite_legs_are_near_zero():
    stamps, closes = symmetric_closes()
    history = joint_returns(
        {"BTC/USDT:USDT": (stamps, closes), "BTC/USDC:USDC": (stamps, closes.copy())}
    )
    mm = 2 * P0 * RATE
    hedged = Account(
        "hedged",
        1.3 * mm,
        (position("BTC/USDT:USDT", Side.LONG), position("BTC/USDC:USDC", Side.SHORT)),
    )
    # The same health 1.3 on one leg alone: the control, which must not read ~0.
    alone = Account("alone", 1.3 * P0 * RATE, (position("BTC/USDT:USDT", Side.LONG),))
    results = liquidation_probability(
        Book.build([hedged, alone]), history, Settings(paths=2000, seed=5)
    )
    by_name = {r.account: r for r in results}
    assert by_name["hedged"].by_horizon["24h"].p < 0.001
    assert by_name["alone"].by_horizon["24h"].p > 0.5


def test_isolated_position_judged_alone_and_missing_candles_named():
    p_liq = P0 * math.exp(-(A - 0.5) * S)
    iso = position(
        "BTC/USDT:USDT", Side.LONG, MarginMode.ISOLATED, isolated_margin=long_wallet(p_liq)
    )
    eth = position("ETH/USDT:USDT", Side.SHORT)
    book = Book.build([Account("mixed", 50.0, (iso, eth))])
    history = joint_returns({"BTC/USDT:USDT": symmetric_closes()})
    results = liquidation_probability(book, history, Settings(paths=2000, seed=2))
    pool = next(r for r in results if r.symbol is None)
    assert pool.by_horizon == {}
    assert pool.reason == "unknown: no candles for ETH/USDT:USDT"
    isolated = next(r for r in results if r.symbol == "BTC/USDT:USDT")
    expected = barrier_probability(1440, A)
    assert abs(isolated.by_horizon["24h"].p - expected) <= isolated.by_horizon["24h"].error + 0.02


def test_a_pool_already_past_liquidation_is_certain():
    book = Book.build([Account("gone", -1.0, (position("BTC/USDT:USDT", Side.LONG),))])
    history = joint_returns({"BTC/USDT:USDT": symmetric_closes()})
    [risk] = liquidation_probability(book, history, Settings(paths=100, seed=1))
    assert risk.by_horizon["1h"].p == 1.0


def test_a_bad_close_is_named():
    stamps, closes = symmetric_closes()
    closes[17] = float("nan")
    with pytest.raises(ValueError, match=r"BTC/USDT:USDT: close #17"):
        joint_returns({"BTC/USDT:USDT": (stamps, closes)})


def test_rooms_on_paths_agree_with_the_engine_at_every_sampled_step():
    """The chunked path rooms against engine.evaluate_arrays at the same marks: tiered
    positions walked across their brackets, an inverse contract, isolated rows."""
    import numpy as np

    from monitor.domain import evaluate_arrays
    from monitor.domain.risk.linear_rooms import LinearRooms
    from monitor.domain.risk.path_rooms import units_of
    from monitor.domain.risk.paths import bootstrap_ratios

    tiers = Maintenance.tiered([0, 5_000, 20_000], [0.01, 0.02, 0.05], [None] * 3)
    jumpy = Maintenance.tiered([0, 5_000], [0.01, 0.03], [0.0, 0.0])  # amounts not continuous
    positions = (
        Position("BTC/USDT:USDT", Side.LONG, 49.0, 100.0, 100.0, tiers),  # notional 4,900
        Position("ETH/USDT:USDT", Side.SHORT, 200.0, 98.0, 100.0, jumpy),  # 20,000
        Position("BTC/USD:BTC", Side.LONG, 5_000.0, 90.0, 100.0, tiers, inverse=True),
        Position(
            "ETH/USDT:USDT",
            Side.LONG,
            48.0,
            101.0,
            100.0,
            tiers,
            margin_mode=MarginMode.ISOLATED,
            isolated_margin=300.0,
        ),
    )
    book = Book.build([Account("tiers", 3_000.0, positions)])
    rng = np.random.default_rng(0)
    history = rng.normal(0.0, 0.004, size=(5_000, 2))  # wide enough to cross brackets
    ratios = bootstrap_ratios(rng, history, 40, 300, 30)
    column = np.array([0, 1, 0, 1])
    units = units_of(book)
    fast = LinearRooms(book, column, units, 2)
    rooms = fast.rooms(fast.feature_paths(ratios))
    crossed = 0
    for s, t in zip(rng.integers(0, 40, 60), rng.integers(0, 300, 60), strict=True):
        marks = book.mark0 * ratios[column, s, t]
        ev = evaluate_arrays(book, marks)
        crossed += int(marks[0] * 49.0 >= 5_000)
        want_pool = ev.margin_balance[0] - ev.account_maintenance[0]
        own = ev.maintenance[3]  # the isolated row's own maintenance (USDT: weight 1)
        want_iso = 300.0 + ev.unrealized_pnl[3] - own
        assert rooms[0, s, t] == pytest.approx(want_pool, rel=1e-9, abs=1e-7)
        assert rooms[1, s, t] == pytest.approx(want_iso, rel=1e-9, abs=1e-7)
    assert crossed > 0  # some sampled steps are in the BTC long's next bracket


def test_move_bands_are_the_walks_five_percent_extremes():
    """24 h band of a one-symbol pool on the +-s walk: P(min <= -a) = barrier_probability(n, a)
    (and the max by symmetry), so the 5 % quantile of the lowest move sits where that
    probability crosses 5 %."""
    p_liq = P0 * math.exp(-(A - 0.5) * S)
    book = Book.build(
        [Account("walk", long_wallet(p_liq), (position("BTC/USDT:USDT", Side.LONG),))]
    )
    history = joint_returns({"BTC/USDT:USDT": symmetric_closes()})
    [risk] = liquidation_probability(book, history, Settings(paths=3000, seed=8))
    a = next(a for a in range(1, 400) if barrier_probability(1440, a) <= 0.05)
    band = risk.moves["24h"]
    assert math.exp(-(a + 4) * S) - 1 <= band.low <= math.exp(-(a - 5) * S) - 1, (a, band)
    assert math.exp((a - 5) * S) - 1 <= band.high <= math.exp((a + 4) * S) - 1, (a, band)
    assert risk.moves["1h"].low > band.low  # a shorter horizon, a narrower band


def test_funding_of_a_pool_with_no_usable_mark_is_unknown_never_zero():
    from monitor.domain.risk.funding import FundingRate, pool_funding

    glitch = Position("BTC/USDT:USDT", Side.LONG, 1.0, P0, 0.0, Maintenance.flat(RATE))
    book = Book.build([Account("glitch", 1_000.0, (glitch,))])
    with np.errstate(all="ignore"):
        [pool] = pool_funding(book, {"BTC/USDT:USDT": FundingRate(0.0001, 8.0)}, 2.0)
    assert pool.per_day is None and pool.days_to_liquidation is None
    assert pool.reason == "unknown: no usable mark for BTC/USDT:USDT"
