"""Mark prices of the simulated venue: a seeded, correlated, fat-tailed random walk.

Each step draws one common market shock and one shock per market, all Student-t (heavy
tails: crypto moves come in jumps). A market's log return is its daily volatility scaled to
the step, times beta * common + sqrt(1 - beta^2) * own, so markets move together the way
altcoins follow BTC. A scripted crash replaces the walk while it plays: marks follow the
script exactly (deterministic), and the walk resumes from where the script ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

SECONDS_PER_DAY = 86_400.0
# Student-t degrees of freedom: 3 gives the heavy tails seen in crypto returns while
# keeping the variance finite, so the scaling to unit variance below is defined.
TAIL_DOF = 3.0
# Marks are kept to 8 decimals, the precision Binance quotes them with, so the figures the
# venue reports and the figures the engine is given are the same numbers.
MARK_DECIMALS = 8

# A default crash for demos and alert tests: (seconds since start, move from the marks at start).
# From the demo book's start (cross health ~10) it passes warning (~ -5.5 %), critical
# (~ -5.9 %) and liquidation (~ -6.05 %) about 30 s apart, then keeps falling.
DEMO_CRASH: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (30.0, -0.03),
    (60.0, -0.056),
    (90.0, -0.0595),
    (120.0, -0.062),
    (150.0, -0.08),
)


def rounded(marks: FloatArray) -> FloatArray:
    return np.round(marks, MARK_DECIMALS).astype(np.float64)


@dataclass(frozen=True)
class CrashScript:
    """Marks = marks at start * (1 + move(t)), move linear between the script's points."""

    times: FloatArray
    moves: FloatArray
    anchor: FloatArray
    started_at: float

    @staticmethod
    def validated(path: Sequence[tuple[float, float]]) -> tuple[FloatArray, FloatArray]:
        points = [(float(t), float(m)) for t, m in path]
        if not points:
            raise ValueError("crash path is empty; give [(seconds, fractional move), ...]")
        if points[0][0] != 0.0:
            points.insert(0, (0.0, 0.0))
        times = np.array([t for t, _ in points])
        moves = np.array([m for _, m in points])
        if not np.all(np.isfinite(times)) or not np.all(np.isfinite(moves)):
            raise ValueError("crash path holds a non-finite number")
        if times[0] < 0 or np.any(np.diff(times) <= 0):
            raise ValueError("crash path times must start at >= 0 and strictly increase")
        if np.any(moves <= -1.0):
            raise ValueError("crash path moves must be > -1 (a -100% move is a zero price)")
        return times, moves

    def move_at(self, clock: float) -> float:
        return float(np.interp(clock - self.started_at, self.times, self.moves))

    def finished(self, clock: float) -> bool:
        return clock - self.started_at >= float(self.times[-1])


class PriceProcess:
    """Marks for a fixed list of markets, advanced by an explicit clock (seconds)."""

    def __init__(
        self,
        start: Sequence[float],
        daily_volatility: Sequence[float],
        beta: Sequence[float],
        seed: int,
        volatility_scale: float = 1.0,
    ) -> None:
        if volatility_scale < 0:
            raise ValueError("volatility_scale must be >= 0")
        self._rng = np.random.Generator(np.random.PCG64(seed))
        self.marks = rounded(np.array(start, dtype=np.float64))
        self._vol = np.array(daily_volatility, dtype=np.float64) * volatility_scale
        self._beta = np.clip(np.array(beta, dtype=np.float64), 0.0, 1.0)
        self.clock = 0.0
        self.crash: CrashScript | None = None

    def shocks(self) -> FloatArray:
        """One step's standardised shocks: beta * common + sqrt(1 - beta^2) * own, unit variance."""
        unit = np.sqrt((TAIL_DOF - 2.0) / TAIL_DOF)  # a t(3) draw times this has variance 1
        common = self._rng.standard_t(TAIL_DOF) * unit
        own = self._rng.standard_t(TAIL_DOF, size=self.marks.shape) * unit
        shocks: FloatArray = self._beta * common + np.sqrt(1.0 - self._beta**2) * own
        return shocks

    def step(self, dt: float) -> None:
        if not dt > 0:
            raise ValueError(f"step needs a positive dt in seconds, got {dt!r}")
        self.clock += dt
        if self.crash is not None:
            self.marks = rounded(self.crash.anchor * (1.0 + self.crash.move_at(self.clock)))
            if self.crash.finished(self.clock):
                self.crash = None
            return
        log_return = self._vol * np.sqrt(dt / SECONDS_PER_DAY) * self.shocks()
        self.marks = rounded(self.marks * np.exp(log_return))

    def play_crash(self, path: Sequence[tuple[float, float]]) -> CrashScript:
        times, moves = CrashScript.validated(path)
        self.crash = CrashScript(times, moves, self.marks.copy(), self.clock)
        return self.crash

    def set_marks(self, marks: FloatArray) -> None:
        """Exact marks; cancels a crash in progress (the script's anchor no longer applies)."""
        if np.any(~np.isfinite(marks)) or np.any(marks <= 0):
            raise ValueError("marks must be finite and positive")
        self.crash = None
        self.marks = rounded(marks.astype(np.float64))
