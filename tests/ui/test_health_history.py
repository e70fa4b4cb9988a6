"""The health history the time chart draws (history.py): one point per account per snapshot,
held in lists at a tick and taken into the series' arrays when read; the same series as the
points written one at a time, across doubling and the cut to the newer half past its cap."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from monitor.ui import history
from monitor.ui.history import HealthHistory, _Series


class _OneAtATime:
    """The rule restated: a point after the newest one is kept, another is dropped (a snapshot
    seen twice); past `cap` points, a full store keeps its newer half before the next."""

    def __init__(self, cap: int) -> None:
        self.cap, self.size = cap, 256
        self.t: list[float] = []
        self.h: list[float] = []

    def append(self, t: float, h: float) -> None:
        if self.t and t <= self.t[-1]:
            return
        if len(self.t) == self.size:
            if len(self.t) >= self.cap:
                keep = len(self.t) // 2
                self.t, self.h = self.t[-keep:], self.h[-keep:]
            else:
                self.size *= 2
        self.t.append(t)
        self.h.append(h)


@pytest.mark.parametrize("seed", range(5))
def test_the_series_is_the_points_written_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(history, "MAX_POINTS", 1_000)  # its cut reached within the test
    rng = random.Random(seed)
    series, restated = _Series(), _OneAtATime(1_000)
    t = 0.0
    for _ in range(6_000):
        t += rng.choice((1.0, 1.0, 1.0, 0.0, -1.0))  # now and then a snapshot seen again
        h = rng.choice((rng.uniform(0.5, 9.0), math.nan))
        series.append(t, h)
        restated.append(t, h)
        if rng.random() < 0.01:  # read now and then, as the chart reads the account shown
            got_t, got_h = series.points()
            np.testing.assert_array_equal(got_t, restated.t)
            np.testing.assert_array_equal(got_h, restated.h)
    got_t, got_h = series.points()
    np.testing.assert_array_equal(got_t, restated.t)
    np.testing.assert_array_equal(got_h, restated.h)


def test_a_tick_writes_no_array_until_the_series_is_read() -> None:
    """A tick appends each account's point to a list (numpy's item writes for 20 accounts were
    some 3 % of the UI thread's instructions a refresh); the chart reads the one shown."""
    from tests.ui.test_header_prerender import _snapshot

    recorded = HealthHistory()
    for mark in (61_000.0, 62_000.0, 63_000.0):
        snap = _snapshot(mark=mark)
        recorded.record(type(snap)(taken_at=snap.taken_at + mark, accounts=snap.accounts))
    (held,) = recorded._series.values()
    assert held.n == 0  # failed before: written into the arrays at each tick
    t, h = recorded.series(7)
    assert t.size == 3 and held.n == 3
    # Health of the 1 BTC long on 5,000 USDT at 0.5 % maintenance: (5,000 + m − 60,000) / (m / 200).
    np.testing.assert_allclose(h, [(m - 55_000.0) / (m / 200) for m in (61e3, 62e3, 63e3)])
