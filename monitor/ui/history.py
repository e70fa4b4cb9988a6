"""Health history per account, kept in growing numpy arrays for the time chart.

A snapshot adds a point to every account's series, on the UI thread, at every tick, and only
the account shown is drawn. Recording 20 accounts' points was 3.6 % of the UI thread's
instructions a refresh (the what-if tab): each account's health looked up in the snapshot,
and numpy's item reads and writes. The points of a published snapshot are now worked out on
the service thread (health_points, prerender.py), and a point goes into a short Python list,
the lists into the arrays when the series is read (or they grow long): 0.5 %."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from monitor.service.snapshot import Snapshot

MAX_POINTS = 200_000  # about two days at one point a second; older half dropped beyond it
_HELD = 512  # points held in the lists at most before they go into the arrays


class _Series:
    def __init__(self) -> None:
        self.t = np.empty(256)
        self.h = np.empty(256)
        self.n = 0  # points in the arrays
        self._t: list[float] = []  # points not yet in them, in order
        self._h: list[float] = []
        self._last = -math.inf  # the newest point's time, wherever it is

    def append(self, t: float, h: float) -> None:
        if t <= self._last:
            return  # the same snapshot seen twice
        self._last = t
        self._t.append(t)
        self._h.append(h)
        if len(self._t) >= _HELD:
            self.flush()

    def flush(self) -> None:
        """The points held in the lists into the arrays, as one at a time would go: a full
        array doubles, or past MAX_POINTS keeps its newer half."""
        t, h = self._t, self._h
        done = 0
        while done < len(t):
            if self.n == len(self.t):
                if self.n >= MAX_POINTS:
                    keep = self.n // 2
                    self.t[:keep] = self.t[self.n - keep : self.n]
                    self.h[:keep] = self.h[self.n - keep : self.n]
                    self.n = keep
                else:
                    self.t = np.resize(self.t, 2 * self.n)
                    self.h = np.resize(self.h, 2 * self.n)
            take = min(len(self.t) - self.n, len(t) - done)
            self.t[self.n : self.n + take] = t[done : done + take]
            self.h[self.n : self.n + take] = h[done : done + take]
            self.n += take
            done += take
        t.clear()
        h.clear()

    def points(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        self.flush()
        return self.t[: self.n], self.h[: self.n]


# Each account's point of a snapshot: (account, health), NaN where it is not current.
Points = tuple[tuple[int, float], ...]


def health_points(snap: Snapshot) -> Points:
    """The real book's health of each account in `snap` (a what-if is never the record: the
    store keeps the same); NaN, a gap, where it is not current. Qt-free: worked out on the
    service thread for a published snapshot (prerender.py)."""
    points = []
    for a in snap.accounts:
        real = a.baseline
        known = a.known and real is not None and real.unknown is None
        value = real.health_ratio if known and real is not None else None
        points.append((a.account_id, math.nan if value is None else value))
    return tuple(points)


class HealthHistory:
    def __init__(self) -> None:
        self._series: dict[int, _Series] = {}

    def record(self, snap: Snapshot, points: Points | None = None) -> None:
        """One point per account per snapshot (health_points; `points`, when worked out
        already)."""
        at = snap.taken_at
        for account_id, value in health_points(snap) if points is None else points:
            series = self._series.get(account_id)
            if series is None:  # (not setdefault: it would build two arrays every time)
                series = self._series[account_id] = _Series()
            series.append(at, value)

    def seed(self, account_id: int, t: list[float], h: list[float]) -> None:
        """Put stored history before what this session has seen (the window opens with the
        chart already showing the past, not an empty axis)."""
        series = self._series.setdefault(account_id, _Series())
        held_t, held_h = series.points()
        first = held_t[0] if series.n else math.inf
        older = [(a, b) for a, b in zip(t, h, strict=True) if a < first]
        if not older:
            return
        fresh = _Series()
        for a, b in older:
            fresh.append(a, b)
        for a, b in zip(held_t.tolist(), held_h.tolist(), strict=True):
            fresh.append(a, b)
        fresh.flush()
        self._series[account_id] = fresh

    def series(self, account_id: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        s = self._series.get(account_id)
        if s is None:
            return np.empty(0), np.empty(0)
        return s.points()
