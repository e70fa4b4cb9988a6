"""Redraw cost (issue 11), charts: axes worked out once per range and drawn from laid-out labels
and filled lines, the ladder's labels relabelled in place, the threshold lines in the view's
own pixels, the time axis moving on by whole ticks — each pixel for pixel what pyqtgraph draws
(or, where the drawing changed on purpose, as close and said so)."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsLineItem, QGraphicsTextItem
from shiboken6 import Shiboken

from monitor.domain import Thresholds
from monitor.ui.charts import HealthHistoryChart
from monitor.ui.charts import axes as chart_axes
from monitor.ui.charts.axis_drawing import Labels
from monitor.ui.charts.row_axis import RowAxis

NOW = 1_800_000_000.0


def _rows(move: float = 0.0) -> list[list[tuple[float, str]]]:
    return [
        [
            (float(i), f"C{i:02d} {side}\nliq {1000 + i * 7.5 + move:,.1f}")
            for i, side in enumerate(("long", "short · USDT") * 13)
            if i < 25
        ]
    ]  # fmt: skip


def _ladder(plot: pg.PlotWidget, axis: Any) -> None:
    plot.setXRange(-3, 7, padding=0)
    plot.setYRange(0, 24, padding=0)
    if axis.orientation == "left":
        axis.setTicks(_rows())


def _time(plot: pg.PlotWidget, axis: Any) -> None:
    plot.setXRange(NOW - 125, NOW, padding=0)


class _LogAxis(pg.AxisItem):  # type: ignore[misc]
    """pyqtgraph's axis labelled as the health axis is (its ticks chosen as the health axis
    chooses them: this compares the drawing, not the choice)."""

    logTickValues = chart_axes.HealthAxis.logTickValues

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{10**v:g}" for v in values]


def _log(plot: pg.PlotWidget, axis: Any) -> None:
    plot.setLogMode(y=True)
    plot.setYRange(-0.5, 1.3, padding=0)


def _plot(qtbot: Any, side: str, axis: Any, setup: Callable[..., None], alpha: float) -> Any:
    plot = pg.PlotWidget(axisItems={side: axis})
    qtbot.addWidget(plot)
    plot.setStyleSheet("font-size: 13px")  # as the app's: the axes keep pyqtgraph's font
    plot.resize(500, 400)
    plot.showGrid(x=True, y=True, alpha=alpha)
    setup(plot, axis)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def _settled(qtbot: Any, plot: Any) -> QImage:
    """The plot once its axes have taken the room their labels need (a relayout or two)."""
    images = [plot.grab().toImage()]

    def still() -> bool:
        QApplication.processEvents()
        images.append(plot.grab().toImage())
        return images[-1] == images[-2]

    qtbot.waitUntil(still)
    return images[-1]


def _drawn(qtbot: Any, side: str, axis: Any, setup: Callable[..., None], alpha: float) -> QImage:
    return _settled(qtbot, _plot(qtbot, side, axis, setup, alpha))


@pytest.mark.parametrize("alpha", [1.0, 0.3])  # opaque and translucent grid lines
@pytest.mark.parametrize(
    ("side", "ours", "theirs", "setup"),
    [
        ("left", chart_axes.Axis, pg.AxisItem, _ladder),
        ("left", RowAxis, pg.AxisItem, _ladder),
        ("bottom", chart_axes.Axis, pg.AxisItem, _ladder),
        ("bottom", chart_axes.DateAxis, pg.DateAxisItem, _time),
        ("left", chart_axes.HealthAxis, _LogAxis, _log),
    ],
)
def test_axes_drawn_directly_match_pyqtgraphs_pictures(
    qtbot: Any, side: str, ours: Any, theirs: Any, setup: Callable[..., None], alpha: float
) -> None:
    mine = ours() if ours is chart_axes.DateAxis else ours(side)
    ref = theirs() if theirs is pg.DateAxisItem else theirs(side)
    plot = _plot(qtbot, side, mine, setup, alpha)
    image = _settled(qtbot, plot)
    # Labels laid out (kept between paints), none drawn by QPainter's own layout.
    assert mine._compiled.texts and not mine._compiled.slow
    assert image == _drawn(qtbot, side, ref, setup, alpha)


def test_new_row_labels_are_relabelled_in_place_as_pyqtgraph_draws_them(qtbot: Any) -> None:
    rows = RowAxis("left")
    plot = _plot(qtbot, "left", rows, _ladder, 1.0)
    _settled(qtbot, plot)
    compiled = rows._compiled
    assert compiled is not None and compiled.texts
    for move in (1.25, 2.5, 1000.0):  # prices move; the last one makes the labels wider
        rows.setTicks(_rows(move))

        def moved(p: Any, ref: Any, m: float = move) -> None:
            _ladder(p, ref)
            ref.setTicks(_rows(m))

        expected = _drawn(qtbot, "left", pg.AxisItem("left"), moved, 1.0)
        assert _settled(qtbot, plot) == expected
        if move < 1000:  # the same drawing, its changed labels laid out anew
            assert rows._compiled is compiled
    assert [text for text, _ in rows.rows()] == [text for _, text in _rows(1000.0)[0]]


def test_labels_measure_as_qpainter_measures(qtbot: Any) -> None:
    font = chart_axes.picture_font(None)
    labels = Labels()
    labels.use(font)
    image = QImage(4, 4, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    painter.setFont(font)
    texts = ["0.5", "12:34:56", "—", "1.0 → 2.5", *(text for _, text in _rows(3.3)[0])]
    try:
        for text in texts:
            br = painter.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
            assert labels.fits(text) and labels.size(text) == (br.width(), br.height())
    finally:
        painter.end()


def shown_history_chart(qtbot: Any) -> HealthHistoryChart:
    chart = HealthHistoryChart()
    qtbot.addWidget(chart)
    chart.setBackground("#15191e")
    chart.resize(900, 400)
    with qtbot.waitExposed(chart):
        chart.show()
    return chart


def test_the_time_axis_moves_on_by_whole_ticks_keeping_the_newest_point_in_view(
    qtbot: Any,
) -> None:
    chart = shown_history_chart(qtbot)
    view = chart.getPlotItem().getViewBox()
    ranges = []
    for n in range(2, 90):  # a point every two seconds, three minutes of them
        t = NOW + 2.0 * np.arange(n)
        chart.show_series(t, np.full(n, 2.0), Thresholds())
        QApplication.processEvents()  # painted: the time axis works out its ticks
        (x0, x1), _ = view.viewRange()
        assert x0 <= t[0] or x1 - x0 == pytest.approx(125.0)  # all of it, or the last 2 min
        assert t[-1] + 5.0 <= x1 + 1e-6 and x1 - x0 >= 125.0 - 1e-6  # the newest point in view
        ranges.append((x0, x1))
    moves = sum(1 for a, b in pairwise(ranges) if a != b)
    assert moves < len(ranges) / 3  # not at every point: by a tick of the axis at a time
    step = chart.getPlotItem().getAxis("bottom").tick_step
    assert step and abs(ranges[-1][1] / step - round(ranges[-1][1] / step)) < 1e-9  # on a tick
    chart._stop_following()  # panned by the trader: left where it is
    chart.show_series(NOW + 2.0 * np.arange(200), np.full(200, 2.0), Thresholds())
    assert view.viewRange()[0] == list(ranges[-1])


def test_threshold_lines_and_their_labels_belong_to_the_chart_not_to_python(
    qtbot: Any,
) -> None:
    """Owned by the view they are drawn on, as the rest of the plot: deleted with the chart,
    and never again by their Python wrappers when those are collected later (they were
    Python's: a failing test keeps the chart's wrappers past its deletion, and the next full
    collection deleted the lines a second time, a crash)."""
    chart = shown_history_chart(qtbot)
    lines = chart.thresholds
    labels = [lines.label(name) for name in ("warning", "critical", "liquidation")]
    # Asked first: asking an item for its parent makes PySide hand it to that parent.
    assert [Shiboken.ownedByPython(item) for item in (lines, *labels)] == [False] * 4
    assert lines.parentItem() is chart.getPlotItem().getViewBox()
    assert all(label.parentItem() is lines for label in labels)


def test_threshold_lines_sit_where_pyqtgraphs_lines_and_labels_sat(qtbot: Any) -> None:
    chart = shown_history_chart(qtbot)
    t = NOW + 2.0 * np.arange(60)
    chart.show_series(t, 1.6 + 0.3 * np.sin(np.arange(60) / 7), Thresholds())
    plot = chart.getPlotItem()
    view = plot.getViewBox()
    for name, where in (("warning", 0.97), ("critical", 0.85), ("liquidation", 0.73)):
        text = "1.0 liquidation" if name == "liquidation" else name
        line = pg.InfiniteLine(  # as the chart drew them before
            angle=0,
            pos=math.log10(getattr(Thresholds(), name)),
            label=text,
            labelOpts={"position": where, "anchors": [(1, 1), (1, 1)]},
        )
        plot.addItem(line, ignoreBounds=True)
        view.updateMatrix()
        line.label.updatePosition()
        ours = chart.thresholds.label(name)
        theirs = line.label.textItem
        assert ours.toPlainText() == theirs.toPlainText()
        at = ours.mapToItem(view, ours.boundingRect().topLeft())
        want = theirs.mapToItem(view, theirs.boundingRect().topLeft())
        assert (at.x(), at.y()) == pytest.approx((want.x(), want.y()), abs=1e-6)


class _Repainted(QObject):
    """The regions of the paints a widget receives, as an event filter letting them through."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QRegion] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.regions.append(QRegion(event.region()))  # type: ignore[attr-defined]
        return False


def test_a_tick_of_the_history_paints_the_curve_and_nothing_of_the_plots_own(
    qtbot: Any,
) -> None:
    """A new point repaints a few pixels around it, and Qt paints every item with contents
    whose box reaches them: only the curve and the two axes (their grids, kept as drawn)
    have any there. The threshold lines, each its own item as tall as its pen, and their
    labels only where they are; the plot, its view box and the view's border (none) never:
    they draw nothing. Before, all four were painted at every tick, wherever the point was."""
    chart = shown_history_chart(qtbot)
    t = NOW + 2.0 * np.arange(400)
    h = 1.6 + 0.3 * np.sin(np.arange(400) / 7)
    chart.show_series(t[:30], h[:30], Thresholds())
    QApplication.processEvents()
    repainted = _Repainted()
    chart.viewport().installEventFilter(repainted)
    scene = chart.scene()
    whole = chart.viewport().rect()
    ticks, reached = 0, set()
    for n in range(31, 90):
        repainted.regions.clear()
        chart.show_series(t[:n], h[:n], Thresholds())
        QApplication.processEvents()
        if len(repainted.regions) != 1:
            continue
        (region,) = repainted.regions
        box = region.boundingRect()
        if box.width() * 4 > whole.width():  # the time axis moved on: all of it repainted
            continue
        ticks += 1
        at = chart.mapToScene(box).boundingRect()
        reached |= {
            type(item).__name__
            for item in scene.items(at)
            if item.isVisible()
            and not item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
            # A threshold line or its label: only where it is.
            and not isinstance(item, QGraphicsLineItem | QGraphicsTextItem)
        }
    assert ticks > 30  # most ticks repaint a few pixels only
    assert reached <= {"HealthCurve", "HealthAxis", "DateAxis"}, reached
