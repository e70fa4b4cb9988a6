"""Joint price paths from the venue's own recent candles: a block bootstrap of the history.

Why a block bootstrap of the *joint* 1-minute log returns, rather than a fitted model:
- drawing whole rows (every symbol's return of the same minute) keeps the markets' co-movement
  exactly as it was — a long/short pair on two correlated symbols keeps its hedge, and a book
  long everything falls together, as it does in a sell-off;
- drawing the history's own returns keeps their fat tails (a Gaussian fit calls a 10-sigma
  minute impossible), and drawing them in blocks of consecutive minutes keeps short-range
  dependence (volatility clustering, a crash's follow-through) that independent draws lose;
- it needs no parameters fitted or guessed: the only choice is the block length.
The cost: nothing moves further than the week it learned from allows. The reports say what
they were computed from.

The week's drift is taken out (each symbol's mean return subtracted): a week's trend is no
forecast — its standard error is about its own size — and carried into 24 h it would call a
long safe after a rising week and doomed after a falling one. The paths keep the week's
moves, tails and co-movement, not its direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from monitor.domain.book import FloatArray, IntArray


@dataclass(frozen=True)
class JointReturns:
    """Log returns of several symbols over the same minutes: `returns[k, j]` is symbol j's
    log return over step k; every row is one common step of `step_minutes`."""

    symbols: tuple[str, ...]
    returns: FloatArray  # (H, n_sym)
    step_minutes: float = 1.0

    @property
    def steps(self) -> int:
        return int(self.returns.shape[0])


def joint_returns(
    closes: Mapping[str, tuple[IntArray, FloatArray]], step_ms: int = 60_000
) -> JointReturns:
    """The common minutes of every symbol's (timestamps ms, closes) and the log returns between
    consecutive ones; a return across a gap (a minute missing for any symbol) is left out
    rather than counted as one step. Raises ValueError naming a symbol with an unusable close."""
    symbols = tuple(closes)
    if not symbols:
        return JointReturns((), np.zeros((0, 0)), step_ms / 60_000)
    common: IntArray | None = None
    for symbol in symbols:
        stamps, prices = closes[symbol]
        if len(stamps) != len(prices):
            raise ValueError(f"candles for {symbol}: {len(stamps)} times, {len(prices)} closes")
        bad = ~(np.isfinite(prices) & (prices > 0))
        if bad.any():
            at = int(np.flatnonzero(bad)[0])
            raise ValueError(f"candles for {symbol}: close #{at} is {prices[at]!r}, not a price")
        common = stamps if common is None else np.intersect1d(common, stamps)
    assert common is not None
    common = np.unique(common)
    columns = []
    for symbol in symbols:
        stamps, prices = closes[symbol]
        order = np.argsort(stamps, kind="stable")
        where = np.searchsorted(stamps[order], common)
        columns.append(np.log(prices[order][where]))
    logs = np.stack(columns, axis=1) if columns else np.zeros((len(common), 0))
    consecutive = np.diff(common) == step_ms
    returns: FloatArray = np.diff(logs, axis=0)[consecutive]
    return JointReturns(symbols, returns, step_ms / 60_000)


def without_drift(history: FloatArray) -> FloatArray:
    """(H, n_sym) returns with each symbol's mean over the history subtracted."""
    if history.shape[0] == 0:
        return history
    centred: FloatArray = history - history.mean(axis=0)
    return centred


def bootstrap_ratios(
    rng: np.random.Generator, history: FloatArray, paths: int, steps: int, block: int
) -> FloatArray:
    """(n_sym, paths, steps) price ratios to now along `paths` simulated paths: blocks of
    `block` consecutive historical steps (all symbols together) drawn with replacement and
    laid end to end, cumulated. Column k is the ratio after k + 1 steps."""
    h = history.shape[0]
    block = max(1, min(block, h))
    blocks = -(-steps // block)
    starts = rng.integers(0, h - block + 1, size=(paths, blocks))
    index = (starts[:, :, None] + np.arange(block)).reshape(paths, blocks * block)[:, :steps]
    ratios: FloatArray = np.ascontiguousarray(history.T)[:, index]  # (n_sym, paths, steps)
    np.cumsum(ratios, axis=2, out=ratios)
    np.exp(ratios, out=ratios)
    return ratios
