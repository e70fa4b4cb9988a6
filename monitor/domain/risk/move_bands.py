"""How far the market moves, as a pool holds it, within each horizon: bands for the stress
chart (health against a uniform move of every mark).

A pool's market move along a path is its symbols' price moves averaged with the weight of the
pool's exposure to each (|d room / d price ratio| at today's brackets). The band of a horizon
is [5th percentile of the lowest move reached within it, 95th percentile of the highest]: in
nine paths of ten the pool's market stays above `low`, and in nine of ten below `high`.
Taken from the first BAND_PATHS paths (the quantiles settle long before the probabilities).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.domain.book import FloatArray
from monitor.domain.risk.linear_rooms import LinearRooms

BAND_PATHS = 2_000
LOW_QUANTILE, HIGH_QUANTILE = 0.05, 0.95


@dataclass(frozen=True)
class MoveBand:
    low: float  # fractional move: -0.04 is 4 % down
    high: float


class BandCollector:
    def __init__(self, fast: LinearRooms, steps_of: dict[str, int], limit: int = BAND_PATHS):
        n = fast.n_sym
        exposure = np.abs(fast.coef[:n])
        if fast.inverse_used:
            exposure = exposure + np.abs(fast.coef[n:])
        total = exposure.sum(axis=0)
        self._weights = np.where(total > 0, exposure / np.where(total > 0, total, 1.0), 0.0)
        self._steps_of = steps_of
        self._limit = limit
        self._seen = 0
        self._lows: dict[str, list[FloatArray]] = {h: [] for h in steps_of}
        self._highs: dict[str, list[FloatArray]] = {h: [] for h in steps_of}

    def add(self, ratios: FloatArray) -> None:
        """Note a chunk's (symbols, paths, steps) price ratios, until `limit` paths are seen."""
        if self._seen >= self._limit or self._weights.shape[1] == 0:
            return
        n_sym, s, t = ratios.shape
        moves = (self._weights.T @ ratios.reshape(n_sym, s * t)).reshape(-1, s, t) - 1.0
        for h, n in self._steps_of.items():
            self._lows[h].append(moves[:, :, :n].min(axis=2))
            self._highs[h].append(moves[:, :, :n].max(axis=2))
        self._seen += s

    def bands(self) -> list[dict[str, MoveBand]]:
        """Per unit (in the LinearRooms' order), per horizon."""
        units = self._weights.shape[1]
        if not self._seen:
            return [{} for _ in range(units)]
        lows = {
            h: np.quantile(np.concatenate(v, axis=1), LOW_QUANTILE, axis=1)
            for h, v in self._lows.items()
        }
        highs = {
            h: np.quantile(np.concatenate(v, axis=1), HIGH_QUANTILE, axis=1)
            for h, v in self._highs.items()
        }
        return [
            {h: MoveBand(float(lows[h][u]), float(highs[h][u])) for h in self._steps_of}
            for u in range(units)
        ]
