"""What the charts share: the plot widget whose grids know their background, the health axis
(logarithmic) with its warning, critical and liquidation lines."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsObject,
    QGraphicsTextItem,
)

from monitor.domain.model import Thresholds
from monitor.domain.report import Level
from monitor.ui import formatting as fmt
from monitor.ui.charts.axes import OpaqueGrid

_LINES = (
    ("warning", fmt.LEVEL_COLOURS[Level.WARNING]),
    ("critical", fmt.LEVEL_COLOURS[Level.CRITICAL]),
    ("liquidation", fmt.LEVEL_COLOURS[Level.LIQUIDATION]),
)


class ThresholdLines(QGraphicsObject):
    """Warning, critical and 1.0 lines across a log-health plot, each named at a staggered
    place along it (values given in log10 units on the axis).

    Drawn as pyqtgraph's InfiniteLine with its label draws them, but in the view box's own
    (pixel) coordinates rather than in the data's: a line across the view stays where it is
    when the time axis moves on, so nothing is worked out again then, and the labels, laid out
    once, are kept as drawn (device-coordinate cache). They move when the thresholds, the
    health range or the plot's size change.

    Each line is an item of its own, as tall as its pen, this one drawing nothing: a tick
    repaints a few pixels around the newest point (health_curve.py), and Qt paints every item
    whose box reaches them. As one item the size of the plot, the three lines were painted
    (through Python) at every tick wherever the point was.
    """

    def __init__(self, plot: pg.PlotItem) -> None:
        view = plot.getViewBox()
        # Over the plotted data (the view's child group), clipped to it. Parented by
        # setParentItem, not by the constructor: only setParentItem hands the item to its
        # parent in PySide; one made with a parent stays Python's too, and once the chart was
        # deleted its wrapper, collected later, deleted the lines a second time (a crash).
        super().__init__()
        self.setParentItem(view)
        self.setZValue(10)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)  # its lines draw
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view pans and zooms
        self._view = view
        self._lines: list[tuple[str, QGraphicsLineItem, QGraphicsTextItem, float]] = []
        for (name, colour), where in zip(_LINES, (0.97, 0.85, 0.73), strict=True):
            label = QGraphicsTextItem("1.0 liquidation" if name == "liquidation" else name)
            label.setParentItem(self)  # the lines' (see above)
            label.setDefaultTextColor(QColor(colour))
            label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            pen = pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            line = QGraphicsLineItem()
            line.setParentItem(self)  # the lines' (see above)
            line.setPen(pen)
            line.setZValue(-1)  # every line under every label, as when this item drew them
            line.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._lines.append((name, line, label, where))
        self.values = {line[0]: 0.0 for line in self._lines}  # log10 of each threshold
        self._drawn: tuple[float, ...] = ()  # the rows (in pixels) and width laid out
        view.sigTransformChanged.connect(self._follow)
        self._follow()

    def set(self, t: Thresholds) -> None:
        values = {line[0]: math.log10(getattr(t, line[0])) for line in self._lines}
        if values != self.values:
            self.values = values
            self._follow()

    def _follow(self, *changed: object) -> None:
        """Lay the lines out on the view as it is now; nothing moves unless a row or the
        width changed by a hair (the time axis moving on changes neither)."""
        to_view = self._view.childGroup.transform()
        rows = [to_view.map(QPointF(0.0, self.values[line[0]])).y() for line in self._lines]
        width = self._view.width()
        drawn = (*rows, width, self._view.height())
        if drawn == self._drawn:
            return
        self.prepareGeometryChange()
        self._drawn = drawn
        for (_, line, label, where), y in zip(self._lines, rows, strict=True):
            line.setLine(0.0, y, width, y)
            # As pyqtgraph's label anchored (1, 1): its box's bottom-right corner there.
            box = label.boundingRect()
            label.setPos(where * width - box.width(), y - box.height())

    def boundingRect(self) -> QRectF:
        return QRectF(0.0, 0.0, self._view.width(), self._view.height())

    def paint(self, p: QPainter, *args: object) -> None:
        """Nothing of its own (ItemHasNoContents): its lines and labels draw themselves."""

    def label(self, name: str) -> QGraphicsTextItem:
        return next(line[2] for line in self._lines if line[0] == name)


class Chart(pg.PlotWidget):  # type: ignore[misc]
    """A plot whose grid axes know the background they blend over."""

    def __init__(self, axes: dict[str, OpaqueGrid]) -> None:
        super().__init__(axisItems=axes)
        item = self.getPlotItem()
        for name in ("top", "right"):  # hidden, yet re-labelled (HTML) at every new range
            if name not in axes and not item.getAxis(name).isVisible():
                item.getAxis(name).unlinkFromView()
        self._grid_axes = tuple(axes.values())
        for axis in self._grid_axes:
            axis.setZValue(-150)  # type: ignore[attr-defined]  # under the data (ViewBox: -100)
        # The plot and its view box draw nothing themselves (no border: the view's paint and
        # its border item would draw only that), yet Qt painted both, and the border item,
        # wherever a tick repainted a few pixels (health_curve.py). Their children draw.
        view = item.getViewBox()
        if view.border is None or view.border.style() == Qt.PenStyle.NoPen:
            view.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
            view.borderRect.hide()
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self._blend_grid()

    def setBackground(self, background: object) -> None:
        super().setBackground(background)
        self._blend_grid()

    def _blend_grid(self) -> None:
        colour = self.backgroundBrush().color()
        # An opaque background fills every repainted part of the view: the widgets under it
        # (tab page, style-sheet backgrounds) need not be painted first.
        opaque = self.backgroundBrush().isOpaque()
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, opaque)
        for axis in getattr(self, "_grid_axes", ()):
            axis.set_background(colour)


def settle(item: pg.PlotItem) -> None:
    """Bring the view's transform to its new range now. pyqtgraph puts it off to the paint, and
    items that follow the transform (the threshold lines' labels) then move during the paint,
    which asks for a second paint of the plot."""
    item.getViewBox().updateMatrix()


def log_health_axis(item: pg.PlotItem, label: str) -> None:
    # Health is a ratio: 1.2 vs 1.0 matters as much as 12 vs 10, so the axis is logarithmic.
    item.setLogMode(y=True)
    item.setLabel("left", label)


_FEW = 8  # values taken as Python floats by health_extent


def health_extent(values: NDArray[np.float64]) -> tuple[float, float] | None:
    """The lowest and highest health among `values` (finite, above zero); None: none."""
    if values.size <= _FEW:  # a tick's few: as floats (curve_segments.py: numpy calls)
        kept = [v for v in values.tolist() if 0 < v < math.inf]
        return (min(kept), max(kept)) if kept else None
    finite = values[np.isfinite(values) & (values > 0)]
    return (float(finite.min()), float(finite.max())) if finite.size else None


def fit_health(
    item: pg.PlotItem, values: NDArray[np.float64], thresholds: Thresholds, now: float | None
) -> None:
    fit_health_extent(item, health_extent(values), thresholds, now)


def fit_health_extent(
    item: pg.PlotItem,
    extent: tuple[float, float] | None,
    thresholds: Thresholds,
    now: float | None,
) -> None:
    """Range the health axis over `extent` (health_extent of the values shown), the current
    health `now` and the thresholds."""
    peak = max(extent[1] if extent is not None else 0.0, now or 0.0)
    low = min(extent[0] if extent is not None else 1.0, thresholds.liquidation)
    top = min(max(thresholds.warning * 1.5, peak * 1.4), 1e4)
    wanted = (math.log10(max(low * 0.7, 1e-3)), math.log10(top))
    (y0, y1) = item.getViewBox().viewRange()[1]
    # Re-range only on a real change: setYRange re-lays out every item in the plot.
    if not (
        math.isclose(y0, wanted[0], abs_tol=0.02) and math.isclose(y1, wanted[1], abs_tol=0.02)
    ):
        item.setYRange(*wanted, padding=0)
        settle(item)
