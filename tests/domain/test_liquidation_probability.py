"""Probability of liquidation on bootstrapped paths, against the symmetric random walk's
first-passage probability re-stated here (reflection principle), and a perfect hedge at ~0."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from monitor.domain import Account, Book, Maintenance, MarginMode, Position, Side
from monitor.domain.risk.paths import joint_returns
from monitor.domain.risk.probability import Settings, liquidation_probability

S = 0.001  # every 1-minute log return is exactly +S or -S
A = 40  # net down-steps that liquidate (the barrier sits half a step beyond 39.5 ... 40)
P0 = 100.0
RATE = 0.005
WEEK = 7 * 24 * 60


def symmetric_closes(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A week of 1-minute closes whose log returns are a shuffled, exactly balanced +-S."""
    signs = np.array([1.0, -1.0] * (WEEK // 2))
    np.random.default_rng(seed).shuffle(signs)
    closes = P0 * np.exp(np.concatenate([[0.0], np.cumsum(signs * S)]))
    stamps = 1_700_000_000_000 + 60_000 * np.arange(len(closes), dtype=np.int64)
    return stamps, closes


def barrier_probability(n: int, a: int) -> float:
    """P(min_{k<=n} S_k <= -a) for a simple symmetric walk: by reflection,
    P(S_n <= -a) + P(S_n < -a) = P(S_n >= a) + P(S_n > a), S_n = 2U - n with U ~ Bin(n, 1/2)."""

    def tail(at_least: int) -> float:  # P(S_n >= at_least)
        ways = sum(math.comb(n, u) for u in range(n + 1) if 2 * u - n >= at_least)
        return float(Fraction(ways, 2**n))

    return tail(a) + tail(a + 1)


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
