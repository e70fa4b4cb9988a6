"""The liquidation ladder: one row per position, its mark at 0 and its liquidation price as %
away from the mark, ours beside the venue's and the one without the what-ifs.

Every row moves a little with each tick (the liquidation prices follow the marks), so the
ladder is drawn by one item (LadderRows) from its arrays: the bars in one call, each kind of
marker from one pre-drawn symbol, as pyqtgraph's scatter draws it. Five plot items set anew
each tick cost more than the picture. The legend keeps pyqtgraph's entries (a click on one
still hides its markers).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from pyqtgraph.graphicsItems.ScatterPlotItem import SymbolAtlas
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem

from monitor.ui import formatting as fmt
from monitor.ui.charts.axes import Axis
from monitor.ui.charts.base import Chart, settle
from monitor.ui.charts.drawn import symbol_style
from monitor.ui.charts.row_axis import RowAxis
from monitor.ui.rows import PositionRow

# The markers, bottom to top: (name, legend text, symbol, size, pen, brush).
_MARKERS = (
    ("marks", "mark", "o", 9, None, "#4aa3ff"),
    ("liqs", "liquidation", "x", 13, pg.mkPen(fmt.ERROR_COLOUR, width=3), None),
    ("before", "liquidation without what-ifs", "o", 9, pg.mkPen("#8b949e", width=2), "none"),
    ("exchange", "exchange's liq.", "d", 10, pg.mkPen("#d9a404", width=2), "none"),
)


# How far past the view's edge a point is still told apart, in pixels: more than the
# largest marker's half width (13 px) and its pen.
_OFF_VIEW_PX = 16


def _style(pen: Any, brush: Any) -> dict[str, object]:
    kwargs: dict[str, Any] = {}
    if pen is not None:
        kwargs["pen"] = pen
    if brush is not None:
        kwargs["brush"] = None if brush == "none" else brush
    return symbol_style(**kwargs)


class LadderRows(pg.GraphicsObject):  # type: ignore[misc]
    """The rows: a bar from each mark (0 %) to its liquidation price, and the markers.

    `set_rows` takes the rows' x (in % from the mark, NaN: none) and redraws only when a point
    moved by half a pixel or more on screen since drawn (a mark's tick moves a liquidation price
    by a fraction of a pixel; a liquidation far past the view's edge moves out of sight), or
    the rows themselves changed."""

    def __init__(self, legend: dict[str, pg.PlotDataItem]) -> None:
        super().__init__()
        self._legend = legend  # by marker name: the legend's item (its visibility)
        self._bar_pen = pg.mkPen("#8b949e", width=2)
        self._styles = [(symbol, size, style["symbolPen"], style["symbolBrush"])
                        for _, _, symbol, size, pen, brush in _MARKERS
                        for style in (_style(pen, brush),)]  # fmt: skip
        self._atlas = SymbolAtlas()
        self._sources = self._symbols()
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)
        self.y: NDArray[np.float64] = np.empty(0)
        self.x: dict[str, NDArray[np.float64]] = {m[0]: np.empty(0) for m in _MARKERS}
        self._bars: list[QLineF] = []
        self._view: tuple[float, ...] | None = None  # the view range the rows were drawn on
        self._bounds: QRectF | None = None
        self.drawn = 0  # how many times the rows were set anew (tests)

    def _symbols(self) -> dict[str, Any]:
        """Each marker's symbol, drawn once into the atlas (pyqtgraph's scatter's own)."""
        return dict(zip((m[0] for m in _MARKERS), self._atlas[self._styles], strict=True))

    def set_rows(self, y: NDArray[np.float64], x: dict[str, NDArray[np.float64]]) -> bool:
        """Show the rows at `y` with each marker's x; returns whether anything is redrawn."""
        view = self.getViewBox()
        shown = None if view is None else tuple(v for pair in view.viewRange() for v in pair)
        if shown is not None and shown == self._view and not self._changed(y, x):
            return False
        self._view = shown
        self.y = np.array(y, dtype=np.float64)
        self.x = {name: np.array(x[name], dtype=np.float64) for name in self.x}
        liq = self.x["liqs"]
        self._bars = [QLineF(0.0, row, at, row) for row, at in zip(self.y, liq, strict=True)
                      if math.isfinite(at)]  # fmt: skip
        self.drawn += 1
        self.update()
        return True

    def _changed(self, y: NDArray[np.float64], x: dict[str, NDArray[np.float64]]) -> bool:
        if y.shape != self.y.shape or not np.array_equal(y, self.y):
            return True
        view = self.getViewBox()
        px = view.viewPixelSize()[0] if view is not None and view.width() >= 2 else 0.0
        # A point past the view's edge (a far liquidation, a what-if's) is drawn as at the
        # edge and a marker's width beyond it (its bar runs off the view): one that moves
        # only out there changes no pixel.
        lo, hi = -math.inf, math.inf
        if 0 < px < math.inf and view is not None:
            (left, right), _ = view.viewRange()
            lo, hi = left - _OFF_VIEW_PX * px, right + _OFF_VIEW_PX * px
        for name, old in self.x.items():
            new = x[name]
            shown = np.isfinite(old)
            if not np.array_equal(shown, np.isfinite(new)):
                return True
            seen_old, seen_new = np.clip(old[shown], lo, hi), np.clip(new[shown], lo, hi)
            moved = float(np.max(np.abs(seen_old - seen_new), initial=0.0))
            # Half a pixel on the view as it is (a re-range shows the rows anew anyway).
            if moved > 0 and not (0 < px < math.inf and moved < px / 2):
                return True
        return False

    def viewTransformChanged(self) -> None:  # the bounds follow the view (see boundingRect)
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._bounds = None

    def boundingRect(self) -> QRectF:
        # The markers are sized in pixels: the whole visible range, clipped by the view.
        if self._bounds is None:
            rect = self.viewRect()
            self._bounds = QRectF() if rect is None else QRectF(rect)
        return self._bounds

    def dataBounds(
        self, ax: int, frac: float = 1.0, orthoRange: object = None
    ) -> tuple[float, float] | tuple[None, None]:
        """The rows' extent for the view's own auto-range ("View all")."""
        if not self.y.size:
            return (None, None)
        if ax == 1:
            return (float(self.y.min()), float(self.y.max()))
        xs = np.concatenate([np.zeros(1), *self.x.values()])
        xs = xs[np.isfinite(xs)]
        return (float(xs.min()), float(xs.max()))

    def paint(self, p: QPainter, option: object = None, widget: Any = None) -> None:
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        if ratio != self._atlas.devicePixelRatio():  # as the scatter: symbols at the screen's
            self._atlas.setDevicePixelRatio(ratio)
            self._atlas.clear()
            self._sources = self._symbols()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # as the curve and scatter
        if self._bars:  # as pyqtgraph's curve of pairs: drawn as segments, in view units
            p.setPen(self._bar_pen)
            p.drawLines(self._bars)
        to_device = p.transform()
        p.resetTransform()
        pixmap = self._atlas.pixmap
        for name, source in self._sources.items():
            xs = self.x[name]
            shown = np.isfinite(xs)
            if not shown.any() or not self._legend[name].isVisible():
                continue
            # As ScatterPlotItem draws from its atlas: each symbol centred on its point.
            mx, my = xs[shown], self.y[shown]
            frags = self._fragment_array(int(shown.sum()))
            frags[:, 0] = to_device.m11() * mx + to_device.m21() * my + to_device.dx()
            frags[:, 1] = to_device.m12() * mx + to_device.m22() * my + to_device.dy()
            frags[:, 2:6] = source
            frags[:, 6:10] = [1 / ratio, 1 / ratio, 0.0, 1.0]
            p.drawPixmapFragments(*self._fragments.drawargs(), pixmap)  # type: ignore[call-arg]
        p.setTransform(to_device)

    def _fragment_array(self, count: int) -> Any:
        self._fragments.resize(count)
        return self._fragments.ndarray()


class LadderChart(Chart):
    """One row per position: mark at 0, its liquidation price as % away from mark."""

    def __init__(self) -> None:
        # The left axis names the rows (no grid): drawn directly, as pyqtgraph places it.
        super().__init__({"bottom": Axis("bottom"), "left": RowAxis("left")})
        item = self.getPlotItem()
        item.getAxis("left").setZValue(0.5)
        item.showGrid(x=True, y=False, alpha=0.15)
        item.setLabel("bottom", "distance from mark", units="%")
        item.setMouseEnabled(x=True, y=False)
        self.legend = item.addLegend(offset=(-10, 10))
        # The legend's entries, not plotted: the rows item draws what they name. (A sample
        # draws the symbol of its item's scatter, which takes its style with a point.)
        self.markers: dict[str, pg.PlotDataItem] = {}
        for name, text, symbol, size, pen, brush in _MARKERS:
            entry = pg.PlotDataItem([0.0], [0.0], pen=None, symbol=symbol, symbolSize=size,
                                    **_style(pen, brush))  # fmt: skip
            self.legend.addItem(entry, text)
            self.markers[name] = entry
        # Drawn once, then blitted (they never change): the label's text is an item of its own
        # (a text document, laid out at each paint), under the rows, repainted with them.
        for sample, label in self.legend.items:
            for part in (sample, label, label.item):
                part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.rows = LadderRows(self.markers)
        item.addItem(self.rows)
        self.legend.sigSampleClicked.connect(lambda *_: self.rows.update())
        item.addLine(x=0, pen=pg.mkPen("#4aa3ff", width=1))
        self._ticks: list[tuple[float, str]] | None = None
        self._extent: tuple[int, int] | None = None

    def row_pixels(self, n: int) -> float:
        """The height of one row on screen, with `n` rows shown (see the y range below)."""
        return float(self.getPlotItem().getViewBox().height()) / (max(n, 1) + 0.4)

    def line_pixels(self) -> float:
        """The height of one line of the rows' labels."""
        return float(QFontMetricsF(self.getPlotItem().getAxis("left").font()).lineSpacing())

    def show_rows(self, rows: list[PositionRow]) -> None:
        n = len(rows)
        y = np.arange(n, dtype=float)[::-1]  # first position at the top
        mark = np.array([r.now.mark_price if r.now else math.nan for r in rows])

        def pct(prices: list[float | None]) -> NDArray[np.float64]:
            arr = np.array([math.nan if v is None else v for v in prices], dtype=float)
            with np.errstate(invalid="ignore", divide="ignore"):
                out: NDArray[np.float64] = (arr / mark - 1.0) * 100
            return out

        liq = pct([r.now.liquidation_price if r.now else None for r in rows])
        before = pct(
            [
                r.before.liquidation_price
                if r.before is not None
                and r.now is not None
                and r.before.liquidation_price != r.now.liquidation_price
                else None
                for r in rows
            ]
        )
        exch = pct([r.position.exchange_liquidation_price for r in rows])
        several = len({r.pool for r in rows}) > 1  # one symbol may be held in two pools
        item = self.getPlotItem()
        # Each row names its liquidation price on a second line where a row has room for two
        # lines; where it has not (many rows, a laptop's screen) they would run into each
        # other, and the price is in the table and at the row's cross.
        two_lines = self.row_pixels(n) >= 2.2 * self.line_pixels()
        ticks = [
            (
                float(y[i]),
                f"{r.position.symbol.split(':')[0]} {r.position.side.value}"
                f"{f' · {r.pool}' if several else ''}"
                f"{' (what-if)' if r.hypothetical else ''}"
                + (f"\nliq {fmt.price(r.now.liquidation_price if r.now else None)}"
                   if two_lines else ""),
            )
            for i, r in enumerate(rows)
        ]  # fmt: skip
        span = np.abs(np.concatenate([liq, exch, before]))
        span = span[np.isfinite(span)]
        reach = float(min(max(span.max() * 1.15, 5.0), 120.0)) if span.size else 50.0
        # Ticks and range re-lay out the plot: each only on change (the ticks name each row's
        # liquidation price, so they change with the marks; the range seldom does).
        if ticks != self._ticks:
            self._ticks = ticks
            item.getAxis("left").setTicks([ticks])
        extent = (n, round(reach))
        if extent != self._extent:
            self._extent = extent
            item.setYRange(-0.7, max(n - 0.3, 0.3), padding=0)
            item.setXRange(-reach, reach, padding=0)
            settle(item)
        marks = np.zeros(n)  # every row's mark at 0 %
        self.rows.set_rows(y, {"marks": marks, "liqs": liq, "before": before, "exchange": exch})
