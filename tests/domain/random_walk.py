"""A symmetric random walk served as candles, and its first-passage probability re-stated
independently of the code under test (reflection principle)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

S = 0.001  # every 1-minute log return is exactly +S or -S
A = 40  # net down-steps that liquidate (the barrier sits half a step beyond 39.5 ... 40)
P0 = 100.0
RATE = 0.005
WEEK = 7 * 24 * 60


def symmetric_closes(seed: int = 3, drift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A week of 1-minute closes whose log returns are a shuffled, exactly balanced +-S, each
    plus `drift` (the week's trend: drift x WEEK in log terms)."""
    signs = np.array([1.0, -1.0] * (WEEK // 2))
    np.random.default_rng(seed).shuffle(signs)
    closes = P0 * np.exp(np.concatenate([[0.0], np.cumsum(signs * S + drift)]))
    stamps = 1_700_000_000_000 + 60_000 * np.arange(len(closes), dtype=np.int64)
    return stamps, closes


def barrier_probability(n: int, a: int) -> float:
    """P(min_{k<=n} S_k <= -a) for a simple symmetric walk: by reflection,
    P(S_n <= -a) + P(S_n < -a) = P(S_n >= a) + P(S_n > a), S_n = 2U - n with U ~ Bin(n, 1/2)."""

    def tail(at_least: int) -> float:  # P(S_n >= at_least)
        ways = sum(math.comb(n, u) for u in range(n + 1) if 2 * u - n >= at_least)
        return float(Fraction(ways, 2**n))

    return tail(a) + tail(a + 1)


def symmetric_returns(seed: int = 3) -> np.ndarray:
    """The same week as symmetric_closes, as its 1-minute log returns."""
    return np.diff(np.log(symmetric_closes(seed)[1]))
