"""The three charts: health history, stress curve, liquidation ladder.

Each plot item is created once and updated with setData, and only when what it shows changed
(curves that drift by less than half a pixel are left as drawn: see _Drawn); long series are
clipped to the view and peak-downsampled; NaN (unknown) shows as a gap, never as a value. The
grids are drawn opaque (see _OpaqueGrid): translucent ones cost most of a paint.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPen
from PySide6.QtWidgets import QGraphicsObject

from monitor.domain.model import Thresholds
from monitor.domain.report import Level
from monitor.ui import formatting as fmt
from monitor.ui.rows import PositionRow

_LINES = (
    ("warning", fmt.LEVEL_COLOURS[Level.WARNING]),
    ("critical", fmt.LEVEL_COLOURS[Level.CRITICAL]),
    ("liquidation", fmt.LEVEL_COLOURS[Level.LIQUIDATION]),
)


class _ThresholdLines:
    """Warning, critical and 1.0 lines on a log-health axis (values given in log10)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.lines = {}
        # Labels at staggered x positions so close thresholds do not print over each other.
        for (name, colour), where in zip(_LINES, (0.97, 0.85, 0.73), strict=True):
            line = pg.InfiniteLine(
                angle=0,
                pen=pg.mkPen(colour, width=1, style=pg.QtCore.Qt.PenStyle.DashLine),
                label=name if name != "liquidation" else "1.0 liquidation",
                labelOpts={"position": where, "color": colour, "anchors": [(1, 1), (1, 1)]},
            )
            plot.addItem(line, ignoreBounds=True)
            self.lines[name] = line

    def set(self, t: Thresholds) -> None:
        for name, line in self.lines.items():
            line.setValue(math.log10(getattr(t, name)))  # a no-op when unchanged


class _Drawn:
    """What each plot item was last given. setData rebuilds an item (a scatter re-creates every
    symbol) and repaints it, and a repaint redraws the whole plot under it (grid, axes, the
    other items), so an item whose data did not change is left alone.

    With `slack`, an item is also left alone when no point moved by half a pixel or more since
    it was drawn, on the view as it was then: the stress curves drift by a tenth of a pixel a
    tick as the marks move, a picture the eye cannot tell from the last. The comparison is with
    what was drawn, not with the previous call, so small moves add up and are drawn once they
    reach half a pixel; after a zoom or re-range, the next change is drawn exactly.
    """

    def __init__(self) -> None:
        self._data: dict[int, _Shown] = {}

    def set(
        self,
        item: pg.PlotDataItem,
        x: ArrayLike,
        y: ArrayLike,
        *,
        slack: bool = False,
        **kwargs: Any,
    ) -> None:
        xs = np.array(x, dtype=np.float64)  # copies: a caller may reuse its buffers
        ys = np.array(y, dtype=np.float64)
        old = self._data.get(id(item))
        view = item.getViewBox()
        shown = _view_range(view)
        if old is not None:
            if _same(old.x, xs) and _same(old.y, ys):
                return
            same_view = shown is not None and old.view == shown  # not zoomed or re-ranged since
            if slack and same_view and _near(item, view, old, xs, ys):
                return
        self._data[id(item)] = _Shown(xs, ys, shown)
        item.setData(xs, ys, **kwargs)


class _Shown:
    """An item's data as drawn, and the view range it was drawn on (None: not on screen)."""

    __slots__ = ("view", "x", "y")

    def __init__(
        self,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        view: tuple[float, float, float, float] | None,
    ) -> None:
        self.x, self.y, self.view = x, y, view


def _same(a: NDArray[np.float64], b: NDArray[np.float64]) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


def _view_range(view: pg.ViewBox | None) -> tuple[float, float, float, float] | None:
    if view is None:
        return None
    (x0, x1), (y0, y1) = view.viewRange()
    return (x0, x1, y0, y1)


def _half_pixel(view: pg.ViewBox | None) -> tuple[float, float] | None:
    """Half a screen pixel in view units (x, y); None when the view has no size to tell."""
    if view is None or view.width() < 2 or view.height() < 2:
        return None
    px, py = view.viewPixelSize()
    if not (0 < px < math.inf and 0 < py < math.inf):
        return None
    return px / 2, py / 2


def _near(
    item: pg.PlotDataItem,
    view: pg.ViewBox,
    old: _Shown,
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
) -> bool:
    """Whether every point of (xs, ys) lies within half a pixel of where `old` drew it: the
    same points, the same gaps, on the axes as drawn (log10 on a log axis)."""
    half = _half_pixel(view)
    if half is None or old.x.shape != xs.shape or old.y.shape != ys.shape:
        return False
    log_x, log_y = item.opts.get("logMode", (False, False))
    for was, now, logged, limit in ((old.x, xs, log_x, half[0]), (old.y, ys, log_y, half[1])):
        if logged:
            with np.errstate(divide="ignore", invalid="ignore"):
                was, now = np.log10(was), np.log10(now)
        drawn = np.isfinite(was)
        if not np.array_equal(drawn, np.isfinite(now)):
            return False
        if drawn.any() and float(np.max(np.abs(was[drawn] - now[drawn]))) >= limit:
            return False
    return True


_DEFAULT = object()


def _symbol_style(pen: object = _DEFAULT, brush: object = _DEFAULT) -> dict[str, object]:
    """A scatter's symbol pen and brush as Qt objects made once. pyqtgraph caches a drawn
    symbol by the identity of its pen and brush; given a colour (or left to its defaults), it
    makes a new QPen or QBrush at every setData, misses its cache, re-draws the symbol and
    grows the cache. The defaults are pyqtgraph's own (PlotDataItem's symbolPen, symbolBrush).
    """
    return {
        "symbolPen": pg.mkPen((200, 200, 200) if pen is _DEFAULT else pen),
        "symbolBrush": pg.mkBrush((50, 50, 150) if brush is _DEFAULT else brush),
    }


def _place(item: pg.PlotDataItem, x: float, y: float) -> None:
    """Move a plotted item to (x, y) in view units, unless it is within half a pixel of it.

    PlotDataItem.setPos re-plots the item (it re-builds a scatter's points for its clipping);
    the item's own points do not move, so only its transform is set and its cached view
    rectangles (in its own coordinates, now elsewhere) are dropped.
    """
    pos = item.pos()
    if pos.x() == x and pos.y() == y:
        return
    half = _half_pixel(item.getViewBox())
    if half is not None and abs(pos.x() - x) < half[0] and abs(pos.y() - y) < half[1]:
        return
    QGraphicsObject.setPos(item, x, y)
    for part in (item, item.curve, item.scatter):
        part.viewTransformChanged()


class _OpaqueGrid:
    """Grid lines drawn opaque, pre-blended over the chart's background, and under the data.

    pyqtgraph draws the grid as translucent tick lines; Qt's raster engine blends an aliased
    translucent line pixel by pixel, so a 0.15-alpha grid cost ~10 ms a paint where the same
    lines opaque cost ~0.5 ms. Blended over the background beforehand they look the same.
    """

    picture: object
    grid: int | bool

    def set_background(self, colour: QColor) -> None:
        # Over a see-through background there is nothing to blend with: left translucent.
        self._background = QColor(colour) if colour.alpha() == 255 else None
        self._pens: dict[int, QPen] = {}
        self.picture = None  # re-drawn with the new colours
        self.update()  # type: ignore[attr-defined]

    def _opaque(self, pen: QPen) -> QPen:
        colour = pen.color()
        key = colour.rgba()
        found = self._pens.get(key)
        if found is None:
            bg = self._background
            if bg is None or colour.alpha() == 255:
                return pen
            a = colour.alphaF()
            mixed = QColor.fromRgbF(
                colour.redF() * a + bg.redF() * (1 - a),
                colour.greenF() * a + bg.greenF() * (1 - a),
                colour.blueF() * a + bg.blueF() * (1 - a),
            )
            found = self._pens[key] = QPen(pen)
            found.setColor(mixed)
        return found

    def generateDrawSpecs(self, p: QPainter) -> object:
        specs = super().generateDrawSpecs(p)  # type: ignore[misc]
        if specs is None or self.grid is False or not hasattr(self, "_pens"):  # no grid
            return specs
        axis, ticks, texts = specs
        return axis, [(self._opaque(pen), a, b) for pen, a, b in ticks], texts


class _DirectAxis:
    """An axis drawn straight onto the view's painter from its worked-out ticks and labels.

    pyqtgraph records an axis into a QPicture and replays it on every paint, so each label is
    laid out when measured, when recorded and again at each replay. Here the ticks and labels
    (`generateDrawSpecs`) are kept until pyqtgraph drops its picture (a new range, new ticks, a
    resize) and drawn directly: an axis whose labels change every tick (the ladder's rows) is no
    longer recorded only to be replayed once.
    """

    picture: object
    style: dict[str, Any]
    _specs: tuple[Any, ...] | None = None

    def paint(self, p: QPainter, *args: object) -> None:
        p.save()
        p.setFont(_picture_font(self.style["tickFont"]))
        if self.picture is None:  # dropped by pyqtgraph: the ticks or the geometry changed
            self._specs = self.generateDrawSpecs(p)  # type: ignore[attr-defined]
            self.picture = True  # anything but None: the specs are current
        if self._specs is not None:
            self.drawPicture(p, *self._specs)  # type: ignore[attr-defined]
        p.restore()


def _picture_font(tick_font: QFont | None) -> QFont:
    """The font pyqtgraph's picture painter draws an axis in: the tick font over the
    application's font. A painter on the view would fill whatever the font leaves unset from
    the widget's (the style sheet's 13 px), so every property is marked set."""
    font = QFont(QGuiApplication.font())
    if tick_font is not None:
        font = tick_font.resolve(font)
    font.setResolveMask(_ALL_FONT_PROPERTIES)
    return font


_ALL_FONT_PROPERTIES = 0xFFFFF  # QFont::AllPropertiesResolved (not exported by PySide)


class _Axis(_DirectAxis, _OpaqueGrid, pg.AxisItem):  # type: ignore[misc]
    pass


class _DateAxis(_DirectAxis, _OpaqueGrid, pg.DateAxisItem):  # type: ignore[misc]
    pass


class _HealthAxis(_Axis):
    """Log axis labelled 0.5, 1, 2, 10 rather than pyqtgraph's 10^x notation."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{10**v:g}" for v in values]


class _Chart(pg.PlotWidget):  # type: ignore[misc]
    """A plot whose grid axes know the background they blend over."""

    def __init__(self, axes: dict[str, _OpaqueGrid]) -> None:
        super().__init__(axisItems=axes)
        self._grid_axes = tuple(axes.values())
        for axis in self._grid_axes:
            axis.setZValue(-150)  # type: ignore[attr-defined]  # under the data (ViewBox: -100)
        self._blend_grid()

    def setBackground(self, background: object) -> None:
        super().setBackground(background)
        self._blend_grid()

    def _blend_grid(self) -> None:
        colour = self.backgroundBrush().color()
        for axis in getattr(self, "_grid_axes", ()):
            axis.set_background(colour)


def _log_health_axis(item: pg.PlotItem, label: str) -> None:
    # Health is a ratio: 1.2 vs 1.0 matters as much as 12 vs 10, so the axis is logarithmic.
    item.setLogMode(y=True)
    item.setLabel("left", label)


def _fit_health(
    item: pg.PlotItem, values: NDArray[np.float64], thresholds: Thresholds, now: float | None
) -> None:
    finite = values[np.isfinite(values) & (values > 0)]
    peak = max(float(finite.max()) if finite.size else 0.0, now or 0.0)
    low = min(float(finite.min()) if finite.size else 1.0, thresholds.liquidation)
    top = min(max(thresholds.warning * 1.5, peak * 1.4), 1e4)
    wanted = (math.log10(max(low * 0.7, 1e-3)), math.log10(top))
    (y0, y1) = item.getViewBox().viewRange()[1]
    # Re-range only on a real change: setYRange re-lays out every item in the plot.
    if not (
        math.isclose(y0, wanted[0], abs_tol=0.02) and math.isclose(y1, wanted[1], abs_tol=0.02)
    ):
        item.setYRange(*wanted, padding=0)


class HealthHistoryChart(_Chart):
    def __init__(self) -> None:
        super().__init__({"bottom": _DateAxis(), "left": _HealthAxis("left")})
        item = self.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.showGrid(x=True, y=True, alpha=0.15)
        _log_health_axis(item, "health")
        item.setMouseEnabled(y=False)
        # At least two minutes on screen, so the time axis reads as clock times, not fractions.
        item.getViewBox().setLimits(minXRange=120)
        self.curve = item.plot(pen=pg.mkPen("#4aa3ff", width=2), connect="finite")
        # Peak-downsampled to about one min/max pair per pixel, not pyqtgraph's five: a day of
        # points otherwise draws ~10 000 segments with a wide pen (~8 ms) for the same picture.
        self.curve.opts["autoDownsampleFactor"] = 1.0
        self.thresholds = _ThresholdLines(item)
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
        _fit_health(self.getPlotItem(), h, thresholds, None)
        if self.following and t.size:
            newest = float(t[-1])
            self._follow(min(float(t[0]), newest - 120.0), newest + 5.0)

    def _follow(self, left: float, right: float) -> None:
        """Show [left, right], unless neither end would move by half a pixel: over a long
        history a tick moves the time axis by a fraction of a pixel, and a re-range re-lays out
        and repaints the whole plot (the date axis re-labelled, the threshold labels moved)."""
        view = self.getPlotItem().getViewBox()
        (x0, x1), _ = view.viewRange()
        half = _half_pixel(view)
        if half is not None and abs(left - x0) < half[0] and abs(right - x1) < half[0]:
            return
        self.getPlotItem().setXRange(left, right, padding=0)


class StressChart(_Chart):
    """Pool health against a uniform move of every cross mark, −50 % … +50 %."""

    def __init__(self) -> None:
        super().__init__({"left": _HealthAxis("left"), "bottom": _Axis("bottom")})
        item = self.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "uniform move of all marks", units="%")
        _log_health_axis(item, "pool health")
        item.setMouseEnabled(x=False, y=False)
        self.legend = item.addLegend(offset=(10, 10))
        self.before = item.plot(
            pen=pg.mkPen("#8b949e", width=1, style=pg.QtCore.Qt.PenStyle.DashLine),
            name="without what-ifs",
            connect="finite",
        )
        self.after = item.plot(
            pen=pg.mkPen("#4aa3ff", width=2), name="pool health", connect="finite"
        )
        # The "now" dot is plotted at health 1 (log 0) and moved to the health by its position
        # (see _place): re-plotting a scatter re-creates its symbol.
        self.current = item.plot(
            pen=None, symbol="o", symbolSize=10, name="now", **_symbol_style(brush="#4aa3ff")
        )
        self.crossings = item.plot(
            pen=None,
            symbol="x",
            symbolSize=14,
            **_symbol_style(pen=pg.mkPen(fmt.ERROR_COLOUR, width=3)),
            name="liquidation",
        )
        self.thresholds = _ThresholdLines(item)
        item.setXRange(-50, 50, padding=0.02)
        self.pool = ""  # the pool drawn, named when the account has several
        self._drawn = _Drawn()
        self._with_before = True  # the "without what-ifs" line is in the legend

    def show_curves(
        self,
        moves: NDArray[np.float64],
        after: NDArray[np.float64],
        before: NDArray[np.float64] | None,
        health_now: float | None,
        crossings: tuple[float | None, float | None],
        thresholds: Thresholds,
        pool: str = "",
    ) -> None:
        if pool != self.pool:  # relabelling re-lays out the plot: only on change
            self.pool = pool
            name = f"{pool} pool health" if pool else "pool health"
            self.getPlotItem().setLabel("left", name)
            label = self.legend.getLabel(self.after)
            if label is not None:
                label.setText(name)
        x = moves * 100
        # The marks move the curves by a fraction of a pixel a tick: drawn when it shows.
        self._drawn.set(self.after, x, after, slack=True, connect="finite")
        if before is None:
            self._drawn.set(self.before, [], [])
            if self._with_before:  # no "without what-ifs" line without what-ifs
                self._with_before = False
                self.legend.removeItem(self.before)
        else:
            self._drawn.set(self.before, x, before, slack=True, connect="finite")
            if not self._with_before:
                self._with_before = True
                self.legend.addItem(self.before, "without what-ifs")
        if health_now is not None and 0 < health_now < math.inf:
            self._drawn.set(self.current, [0.0], [1.0])
            _place(self.current, 0.0, math.log10(health_now))
        else:
            self._drawn.set(self.current, [], [])
        down, up = crossings
        cx = [
            m
            for m in (
                -down * 100 if down is not None else None,
                up * 100 if up is not None else None,
            )
            if m is not None and abs(m) <= 50
        ]
        self._drawn.set(self.crossings, cx, [thresholds.liquidation] * len(cx), slack=True)
        self.thresholds.set(thresholds)
        _fit_health(self.getPlotItem(), after, thresholds, health_now)


class LadderChart(_Chart):
    """One row per position: mark at 0, its liquidation price as % away from mark."""

    def __init__(self) -> None:
        # The left axis names the rows (no grid): drawn directly, as pyqtgraph places it.
        super().__init__({"bottom": _Axis("bottom"), "left": _Axis("left")})
        item = self.getPlotItem()
        item.getAxis("left").setZValue(0.5)
        item.showGrid(x=True, y=False, alpha=0.15)
        item.setLabel("bottom", "distance from mark", units="%")
        item.setMouseEnabled(x=True, y=False)
        item.addLegend(offset=(-10, 10))
        self.bars = item.plot(pen=pg.mkPen("#8b949e", width=2), connect="pairs")
        self.marks = item.plot(
            pen=None, symbol="o", symbolSize=9, name="mark", **_symbol_style(brush="#4aa3ff")
        )
        self.liqs = item.plot(
            pen=None,
            symbol="x",
            symbolSize=13,
            **_symbol_style(pen=pg.mkPen(fmt.ERROR_COLOUR, width=3)),
            name="liquidation",
        )
        self.before = item.plot(
            pen=None,
            symbol="o",
            symbolSize=9,
            **_symbol_style(pen=pg.mkPen("#8b949e", width=2), brush=None),
            name="liquidation without what-ifs",
        )
        self.exchange = item.plot(
            pen=None,
            symbol="d",
            symbolSize=10,
            **_symbol_style(pen=pg.mkPen("#d9a404", width=2), brush=None),
            name="exchange's liq.",
        )
        item.addLine(x=0, pen=pg.mkPen("#4aa3ff", width=1))
        self._ticks: list[tuple[float, str]] | None = None
        self._extent: tuple[int, int] | None = None
        self._drawn = _Drawn()

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
        self._drawn.set(self.marks, np.zeros(n), y)
        # A mark that moves a little moves a liquidation price by a fraction of a pixel.
        self._drawn.set(self.liqs, *_finite_xy(liq, y), slack=True)
        self._drawn.set(self.before, *_finite_xy(before, y), slack=True)
        self._drawn.set(self.exchange, *_finite_xy(exch, y), slack=True)
        bx = np.column_stack([np.zeros(n), liq]).ravel()
        by = np.repeat(y, 2)
        ok = np.repeat(np.isfinite(liq), 2)
        self._drawn.set(self.bars, bx[ok], by[ok], slack=True, connect="pairs")
        several = len({r.pool for r in rows}) > 1  # one symbol may be held in two pools
        ticks = [
            (
                float(y[i]),
                f"{r.position.symbol.split(':')[0]} {r.position.side.value}"
                f"{f' · {r.pool}' if several else ''}"
                f"{' (what-if)' if r.hypothetical else ''}\n"
                f"liq {fmt.price(r.now.liquidation_price if r.now else None)}",
            )
            for i, r in enumerate(rows)
        ]
        item = self.getPlotItem()
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


def _finite_xy(
    x: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    ok = np.isfinite(x)
    return x[ok], y[ok]
