"""Health over time of the selected account: the time axis follows the newest point until the
trader pans or zooms; NaN (unknown) shows as a gap, never as a value."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray

from monitor.domain.model import Thresholds
from monitor.ui.charts.axes import DateAxis, HealthAxis
from monitor.ui.charts.base import Chart, ThresholdLines, fit_health, log_health_axis, settle
from monitor.ui.charts.drawn import half_pixel
from monitor.ui.charts.health_curve import HealthCurve


class HealthHistoryChart(Chart):
    def __init__(self) -> None:
        super().__init__({"bottom": DateAxis(), "left": HealthAxis("left")})
        item = self.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        log_health_axis(item, "health")
        item.setMouseEnabled(y=False)
        # At least two minutes on screen, so the time axis reads as clock times, not fractions.
        item.getViewBox().setLimits(minXRange=120)
        # Clipped to the view and peak-downsampled, a tick repainting only its new point
        # (health_curve.py).
        self.curve = HealthCurve(pg.mkPen("#4aa3ff", width=2))
        item.addItem(self.curve)
        self.thresholds = ThresholdLines(item)
        # The time axis follows the newest point until the trader pans or zooms it.
        self.following = True
        item.getViewBox().sigRangeChangedManually.connect(self._stop_following)
        self._shown: tuple[object, ...] = ()

    def _stop_following(self, *_: object) -> None:
        self.following = False

    def show_series(
        self, t: NDArray[np.float64], h: NDArray[np.float64], thresholds: Thresholds
    ) -> None:
        # The series only grows at its end (or gains a stored past before its start): its
        # length and ends tell whether anything new is to be drawn.
        shown = (t.size, float(t[0]), float(t[-1]), thresholds) if t.size else (0, thresholds)
        if shown == self._shown:
            return
        self._shown = shown
        self.curve.set_series(t, h)
        self.thresholds.set(thresholds)
        fit_health(self.getPlotItem(), h, thresholds, None)
        if self.following and t.size:
            self._follow(float(t[0]), float(t[-1]))

    def _follow(self, first: float, newest: float) -> None:
        """Show the whole series, at least the last two minutes, with room after the newest
        point; the time axis moves on seldom, by whole ticks of its own.

        A tick of the marks adds a point every second or two; moving the time axis with each
        one re-labels it and redraws every line and label of the plot (a few milliseconds of
        the UI thread). The axis's end is set ahead of the newest point, by five seconds and
        a sixth of the span shown, on a tick mark: it stays put while the points fill that
        room, then moves on once. The newest point is always on screen, the axis moves a
        couple of times a minute, and the points take at least five sixths less a tick of
        the width."""
        axis = self.getPlotItem().getAxis("bottom")
        step = axis.tick_step
        view = self.getPlotItem().getViewBox()
        (x0, x1), _ = view.viewRange()
        if not step or step <= 0 or step > 0.25 * max(x1 - x0, 120.0):
            step = 0.05 * max(x1 - x0, 120.0)  # no ticks yet (or too coarse): a twentieth
        half = half_pixel(view)
        slack = half[0] if half is not None else 1e-9
        # Kept while the newest point has its five seconds of room, the whole series (or the
        # last two minutes) is shown from where the view starts, and the end is on a tick
        # (the ticks coarsen as the series grows: then it moves on to one).
        on_tick = abs(x1 / step - round(x1 / step)) < 1e-6
        if on_tick and newest + 5.0 <= x1 + slack and abs(min(first, x1 - 125.0) - x0) < slack:
            ahead = x1 - (newest + 5.0)
            if ahead <= (x1 - x0) / 6 + step + slack:
                return
        span = max(newest + 5.0 - first, 120.0)
        right = math.ceil((newest + 5.0 + span / 6) / step) * step
        # The new range may have coarser ticks (the series grew): its end on one of those.
        # (The axis measures its labels with the font metrics of its first paint.)
        if hasattr(axis, "fontMetrics"):
            axis.tickValues(min(first, right - 125.0), right, axis.geometry().width())
        if axis.tick_step and axis.tick_step > step:
            step = axis.tick_step
            right = math.ceil((newest + 5.0 + span / 6) / step) * step
        left = min(first, right - 125.0)
        if half is not None and abs(left - x0) < half[0] and abs(right - x1) < half[0]:
            return
        self.getPlotItem().setXRange(left, right, padding=0)
        settle(self.getPlotItem())
