"""Health history per account, kept in growing numpy arrays for the time chart."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from monitor.service.snapshot import Snapshot

MAX_POINTS = 200_000  # about two days at one point a second; older half dropped beyond it


class _Series:
    def __init__(self) -> None:
        self.t = np.empty(256)
        self.h = np.empty(256)
        self.n = 0

    def append(self, t: float, h: float) -> None:
        if self.n and t <= self.t[self.n - 1]:
            return  # the same snapshot seen twice
        if self.n == len(self.t):
            if self.n >= MAX_POINTS:
                keep = self.n // 2
                self.t[:keep] = self.t[self.n - keep : self.n]
                self.h[:keep] = self.h[self.n - keep : self.n]
                self.n = keep
            else:
                self.t = np.resize(self.t, 2 * self.n)
                self.h = np.resize(self.h, 2 * self.n)
        self.t[self.n] = t
        self.h[self.n] = h
        self.n += 1


class HealthHistory:
    def __init__(self) -> None:
        self._series: dict[int, _Series] = {}

    def record(self, snap: Snapshot) -> None:
        """One point per account per snapshot; NaN (a gap) where health is not current. The
        real book's health: a what-if is never the record (the store keeps the same)."""
        for a in snap.accounts:
            real = a.baseline
            known = a.known and real is not None and real.unknown is None
            value = real.health_ratio if known and real is not None else None
            series = self._series.get(a.account_id)
            if series is None:  # (not setdefault: it would build two arrays every time)
                series = self._series[a.account_id] = _Series()
            series.append(snap.taken_at, np.nan if value is None else value)

    def seed(self, account_id: int, t: list[float], h: list[float]) -> None:
        """Put stored history before what this session has seen (the window opens with the
        chart already showing the past, not an empty axis)."""
        series = self._series.setdefault(account_id, _Series())
        first = series.t[0] if series.n else np.inf
        older = [(a, b) for a, b in zip(t, h, strict=True) if a < first]
        if not older:
            return
        fresh = _Series()
        for a, b in older:
            fresh.append(a, b)
        for a, b in zip(series.t[: series.n], series.h[: series.n], strict=True):
            fresh.append(float(a), float(b))
        self._series[account_id] = fresh

    def series(self, account_id: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        s = self._series.get(account_id)
        if s is None:
            return np.empty(0), np.empty(0)
        return s.t[: s.n], s.h[: s.n]
