"""Redraw cost (issue 11), the health history's curve (charts/health_curve.py): drawn pixel for
pixel as pyqtgraph's PlotDataItem drew it, gaps and all; a tick repaints the few pixels around
its new point, not the plot; the newest point is drawn however far the series is downsampled."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QImage, QRegion
from PySide6.QtWidgets import QApplication

from monitor.domain import Thresholds
from tests.ui.test_chart_drawing import NOW, _settled, shown_history_chart


def _series(n: int) -> tuple[np.ndarray, np.ndarray]:
    t = NOW + 2.0 * np.arange(n)
    h = 1.6 + 0.3 * np.sin(np.arange(n) / 7)
    return t, h


def test_the_curve_is_drawn_as_pyqtgraphs_curve_drew_it(qtbot: Any) -> None:
    chart = shown_history_chart(qtbot)
    t, h = _series(60)
    h[20:24] = np.nan  # unknown: a gap, never a value
    h[41] = np.nan  # a lone unknown point: a gap either side of it
    chart.show_series(t, h, Thresholds())
    plot = chart.getPlotItem()
    # pyqtgraph's curve as the chart made it before: clipped to the view, peak-downsampled
    # to about a pair of points per pixel, unknown points left out.
    plot.setClipToView(True)
    plot.setDownsampling(auto=True, mode="peak")
    theirs = plot.plot(t, h, pen=pg.mkPen("#4aa3ff", width=2), connect="finite")
    theirs.opts["autoDownsampleFactor"] = 1.0

    def images() -> tuple[QImage, QImage, QImage]:
        theirs.hide()
        ours = _settled(qtbot, chart)
        chart.curve.hide()
        theirs.show()
        reference = _settled(qtbot, chart)
        theirs.hide()
        bare = _settled(qtbot, chart)
        chart.curve.show()
        return ours, reference, bare

    ours, reference, bare = images()
    assert ours == reference
    assert ours != bare  # a curve was drawn
    chart._stop_following()  # panned by the trader onto the gap
    plot.setXRange(t[10], t[45], padding=0)
    ours, reference, bare = images()
    assert ours == reference
    assert ours != bare


class _Repaints(QObject):
    """The regions a widget is asked to repaint."""

    def __init__(self) -> None:
        super().__init__()
        self.region = QRegion()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.region = self.region.united(event.region())
        return False


def test_a_tick_repaints_only_around_its_new_point(qtbot: Any) -> None:
    chart = shown_history_chart(qtbot)
    view = chart.getPlotItem().getViewBox()
    repaints = _Repaints()
    chart.viewport().installEventFilter(repaints)
    area = chart.viewport().width() * chart.viewport().height()
    ticks = 0
    for n in range(30, 60):
        t, h = _series(n)
        chart.show_series(t, h, Thresholds())
        _settled(qtbot, chart)
        ranges = view.viewRange()
        repaints.region = QRegion()
        t, h = _series(n + 1)
        chart.show_series(t, h, Thresholds())
        # Painted as on screen (a grab would paint all of it): what the tick asked for.
        qtbot.waitUntil(lambda: not repaints.region.isEmpty())
        QApplication.processEvents()
        if view.viewRange() != ranges:
            continue  # the time axis moved on (every few ticks): all of it redrawn
        ticks += 1
        point = chart.mapFromScene(view.mapViewToScene(pg.Point(t[-1], math.log10(h[-1]))))
        assert repaints.region.contains(QPoint(int(point.x()), int(point.y())))
        box = repaints.region.boundingRect()
        assert box.width() * box.height() < area / 100, box  # a few pixels, not the plot
    assert ticks > 15


def test_the_newest_point_is_drawn_however_far_the_series_is_downsampled(qtbot: Any) -> None:
    chart = shown_history_chart(qtbot)
    base = 20_000  # a point a second for five and a half hours: tens of points a pixel
    for n in range(base, base + 40):
        t = NOW + np.arange(n, dtype=np.float64)
        h = np.full(n, 2.0)
        h[-1] = 50.0  # the newest point, far above the rest
        chart.show_series(t, h, Thresholds())
        QApplication.processEvents()
        x, y = chart.curve.getData()
        assert x.size < n / 10  # downsampled
        assert np.nanmax(y) == math.log10(50.0), n


def test_a_downsampled_curve_is_pyqtgraphs_but_for_its_newest_group(qtbot: Any) -> None:
    """A day of points a few seconds apart: tens of points a pixel, peak-downsampled as
    pyqtgraph downsamples them. The pictures differ only where pyqtgraph leaves the newest,
    incomplete group out, and ours draws it."""
    chart = shown_history_chart(qtbot)
    n = 12_345
    t = NOW + 7.0 * np.arange(n, dtype=np.float64)
    h = 1.6 + 0.3 * np.sin(np.arange(n) / 97) + 0.05 * np.sin(np.arange(n) * 1.3)
    h[5_000:5_400] = np.nan  # unknown for a while: a gap
    chart.show_series(t, h, Thresholds())
    plot = chart.getPlotItem()
    plot.setClipToView(True)
    plot.setDownsampling(auto=True, mode="peak")
    theirs = plot.plot(t, h, pen=pg.mkPen("#4aa3ff", width=2), connect="finite")
    theirs.opts["autoDownsampleFactor"] = 1.0  # a pair a pixel, as the chart had it
    theirs.setData(t, h, connect="finite")  # its display data made anew with that factor
    theirs.hide()
    ours = _settled(qtbot, chart)
    x, _ = chart.curve.getData()
    chart.curve.hide()
    theirs.show()
    reference = _settled(qtbot, chart)
    theirs.hide()
    bare = _settled(qtbot, chart)
    view = plot.getViewBox()
    # Left of the newest group's first point (less the pen's reach): the same pixels.
    before_newest = x[-4]  # a group is drawn as a max/min pair: the newest is the last pair
    edge = chart.mapFromScene(view.mapViewToScene(pg.Point(before_newest, 0))).x() - 4
    assert 0 < edge < ours.width()
    left = (0, 0, int(edge), ours.height())
    assert ours.copy(*left) == reference.copy(*left)
    assert ours.copy(*left) != bare.copy(*left)  # a curve was drawn there
    assert x.size < n / 5  # downsampled: a pair a pixel
