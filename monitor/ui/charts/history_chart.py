"""Health over time of the selected account: the time axis follows the newest point until the
trader pans or zooms; NaN (unknown) shows as a gap, never as a value."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtWidgets import QGraphicsItem

from monitor.domain.model import Thresholds
from monitor.ui.charts.axes import DateAxis, HealthAxis
from monitor.ui.charts.base import (
    Chart,
    ThresholdLines,
    fit_health_extent,
    health_extent,
    log_health_axis,
    settle,
)
from monitor.ui.charts.drawn import half_pixel
from monitor.ui.charts.health_curve import HealthCurve


class HealthHistoryChart(Chart):
    def __init__(self) -> None:
        super().__init__({"bottom": DateAxis(), "left": HealthAxis("left")})
        item = self.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        # A tick repaints a few pixels around the new point (health_curve.py), and both axes'
        # grid lines cross them: kept as drawn (a pixmap), an axis is not drawn again for a
        # tick, only when its range moves (a couple of times a minute) or the chart resizes.
        # (Not the ladder's axes: their labels change with nearly every tick.)
        for axis in self._grid_axes:
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # type: ignore[attr-defined]
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
        # What is drawn: whose series, its length, first time, last point, the thresholds.
        self._shown: Drawn | None = None
        self._extent: tuple[float, float] | None = None  # its lowest and highest health

    def _stop_following(self, *_: object) -> None:
        self.following = False

    def show_series(
        self,
        t: NDArray[np.float64],
        h: NDArray[np.float64],
        thresholds: Thresholds,
        account: object = None,
    ) -> None:
        """The series of `account` (its key: another account's series may have the very same
        times, all being recorded from the same snapshots). A series grows at its end: a
        longer one that starts and continues as the one drawn is that one with points after
        it, and only those are taken in (the health history keeps its points as recorded;
        it gains a stored past before its start, or drops its older half, moving its first
        point). So a tick costs the same with a day of points behind it as with a minute:
        the whole series compared, copied and ranged at each tick cost ~0.9 ms at 86,400."""
        shown = _drawn(account, t, h, thresholds)
        if shown == self._shown:
            return
        was, self._shown = self._shown, shown
        kept = was[1] if was is not None else 0
        if (
            was is not None
            and 0 < kept < t.size
            and was[0] == account
            and was[2] == shown[2]
            and was[3:5] == _point(t, h, kept - 1)
        ):
            new_h = h[kept:]
            self.curve.extend(t[kept:], new_h)
            self._extent = _widened(self._extent, health_extent(new_h))
        else:
            self.curve.set_series(t, h)
            self._extent = health_extent(h)
        self.thresholds.set(thresholds)
        fit_health_extent(self.getPlotItem(), self._extent, thresholds, None)
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
        # The ticks are those of the range shown; a series far shorter than it (another
        # account's, selected after one with a day behind it) is measured by its own span:
        # by the range's ticks, its axis ended hours after its newest point.
        shown = max(min(x1 - x0, 2.0 * (newest + 5.0 - first)), 120.0)
        if not step or step <= 0 or step > 0.25 * shown:
            step = 0.05 * shown  # no ticks yet (or too coarse): a twentieth
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


# A series drawn: whose, its length, first time, last time and health (None: NaN, which
# compares unequal to itself), the thresholds.
Drawn = tuple[object, int, float | None, float | None, float | None, Thresholds]


def _point(t: NDArray[np.float64], h: NDArray[np.float64], i: int) -> tuple[float, float | None]:
    value = float(h[i])
    return float(t[i]), None if math.isnan(value) else value


def _drawn(
    account: object, t: NDArray[np.float64], h: NDArray[np.float64], thresholds: Thresholds
) -> Drawn:
    if not t.size:
        return (account, 0, None, None, None, thresholds)
    return (account, t.size, float(t[0]), *_point(t, h, -1), thresholds)


def _widened(
    extent: tuple[float, float] | None, more: tuple[float, float] | None
) -> tuple[float, float] | None:
    if extent is None or more is None:
        return more if extent is None else extent
    return min(extent[0], more[0]), max(extent[1], more[1])
