"""Redraw cost (issue 11), charts: a refresh that changes what a chart shows within its range
leaves the range, and so the axes' ticks and labels, as they are. A trader reads nothing from
an axis that jitters at every tick, and re-labelling an axis redraws the whole plot."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
from PySide6.QtWidgets import QApplication

from monitor.domain import Thresholds
from tests.ui.test_chart_drawing import shown_history_chart

NOW = 1_800_000_000.0
EVERY = 2.0  # seconds between points, as a refresh every two seconds adds them


def test_the_time_axis_moves_on_a_couple_of_times_a_minute_with_the_newest_point_in_view(
    qtbot: Any,
) -> None:
    chart = shown_history_chart(qtbot)
    view = chart.getPlotItem().getViewBox()
    ranges = []
    count = 90  # three minutes of points
    for n in range(2, count + 1):
        t = NOW + EVERY * np.arange(n)
        chart.show_series(t, np.full(n, 2.0), Thresholds())
        QApplication.processEvents()  # painted: the time axis works out its ticks
        (x0, x1), _ = view.viewRange()
        assert x0 <= t[0] + 1e-6 or x1 - x0 == 125.0  # all of it, or the last two minutes
        assert t[-1] + 5.0 <= x1 + 1e-6  # the newest point on screen, with room after it
        # The points fill most of the width: no more than a third of it empty ahead of them.
        assert (x1 - t[-1]) <= (x1 - x0) / 3
        ranges.append((x0, x1))
    moves = sum(1 for a, b in pairwise(ranges) if a != b)
    # At most once in twenty seconds of points (a tick of this axis is ten seconds).
    assert moves <= EVERY * count / 20
