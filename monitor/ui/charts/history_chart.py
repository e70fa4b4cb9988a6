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


class HealthHistoryChart(Chart):
    def __init__(self) -> None:
        super().__init__({"bottom": DateAxis(), "left": HealthAxis("left")})
        item = self.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.showGrid(x=True, y=True, alpha=0.15)
        log_health_axis(item, "health")
        item.setMouseEnabled(y=False)
        # At least two minutes on screen, so the time axis reads as clock times, not fractions.
        item.getViewBox().setLimits(minXRange=120)
        self.curve = item.plot(pen=pg.mkPen("#4aa3ff", width=2), connect="finite")
        # Peak-downsampled to about one min/max pair per pixel, not pyqtgraph's five: a day of
        # points otherwise draws ~10 000 segments with a wide pen (~8 ms) for the same picture.
        self.curve.opts["autoDownsampleFactor"] = 1.0
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
        self.curve.setData(t, h, connect="finite")
        self.thresholds.set(thresholds)
        fit_health(self.getPlotItem(), h, thresholds, None)
        if self.following and t.size:
            self._follow(float(t[0]), float(t[-1]))

    def _follow(self, first: float, newest: float) -> None:
        """Show the whole series, at least the last two minutes, and a little room after the
        newest point; the time axis moves on by whole ticks of its own.

        A tick of the marks adds a point every second or two; moving the time axis with each
        one re-labels it and redraws every line and label of the plot. Its end is set on the
        next tick mark past the newest point (five seconds on), so the axis stays put while
        the points fill the last tick's width, then moves on by one tick: the newest point is
        always on screen, and the axis moves a few times a minute rather than every second."""
        axis = self.getPlotItem().getAxis("bottom")
        step = axis.tick_step
        view = self.getPlotItem().getViewBox()
        (x0, x1), _ = view.viewRange()
        if not step or step <= 0 or step > 0.25 * max(x1 - x0, 120.0):
            step = 0.05 * max(x1 - x0, 120.0)  # no ticks yet (or too coarse): a twentieth
        right = math.ceil((newest + 5.0) / step) * step
        left = min(first, right - 125.0)
        half = half_pixel(view)
        if half is not None and abs(left - x0) < half[0] and abs(right - x1) < half[0]:
            return
        self.getPlotItem().setXRange(left, right, padding=0)
        settle(self.getPlotItem())
