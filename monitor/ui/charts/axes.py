"""The charts' axes: grids drawn opaque, ticks and labels worked out once per range and drawn
straight onto the view, labels as laid-out text kept between paints.

pyqtgraph records an axis into a QPicture and replays it on every paint: each label is laid out
when measured, when recorded and again at each replay, and each tick is a Python call. Here the
ticks and labels (`generateDrawSpecs`) are worked out when pyqtgraph drops its picture (a new
range, new ticks, a resize), compiled into runs of lines and laid-out labels (QStaticText,
kept by text: a label that stays, as most do when the time axis moves on, is never laid out
again), and drawn from those: pixel for pixel what pyqtgraph's picture draws.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPen,
)

from monitor.ui.charts.axis_drawing import MEASURED_MAX, Compiled, Labels, Measure, compile_specs
from monitor.ui.charts.axis_specs import Specs, draw_specs

_ALL_FONT_PROPERTIES = 0xFFFFF  # QFont::AllPropertiesResolved (not exported by PySide)


class OpaqueGrid:
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
        specs = self.draw_specs(p)  # type: ignore[attr-defined]
        if specs is None or self.grid is False or not hasattr(self, "_pens"):  # no grid
            return specs
        axis, ticks, texts = specs
        return axis, [(self._opaque(pen), a, b) for pen, a, b in ticks], texts


def picture_font(tick_font: QFont | None) -> QFont:
    """The font pyqtgraph's picture painter draws an axis in: the tick font over the
    application's font. A painter on the view would fill whatever the font leaves unset from
    the widget's (the style sheet's 13 px), so every property is marked set."""
    font = QFont(QGuiApplication.font())
    if tick_font is not None:
        font = tick_font.resolve(font)
    font.setResolveMask(_ALL_FONT_PROPERTIES)
    return font


class DirectAxis:
    """An axis drawn straight onto the view's painter from its compiled ticks and labels,
    worked out again only when pyqtgraph drops its picture."""

    picture: object
    style: dict[str, Any]
    _compiled: Compiled | None = None

    def paint(self, p: QPainter, *args: object) -> None:
        p.save()
        try:
            font = picture_font(self.style["tickFont"])
            p.setFont(font)
            if self.picture is None:  # dropped by pyqtgraph: the ticks or the geometry changed
                self._compiled = self.compile(p, font)
                self.picture = True  # anything but None: the compiled drawing is current
            if self._compiled is not None:
                option = args[0] if args else None
                exposed = getattr(option, "exposedRect", None)
                self._compiled.draw(p, exposed)
        finally:
            p.restore()

    def draw_specs(self, p: Any) -> Specs | None:
        return draw_specs(self, p)

    def compile(self, p: QPainter, font: QFont) -> Compiled | None:
        state = self.__dict__
        sizes = state.setdefault("_measured", {})
        labels = state.setdefault("_labels", Labels())
        labels.use(font)
        specs = self.generateDrawSpecs(Measure(p, sizes, labels))  # type: ignore[attr-defined]
        if specs is None:
            return None
        clip = self.boundingRect().toAlignedRect()  # type: ignore[attr-defined]
        return compile_specs(specs, labels, self.textPen(), clip)  # type: ignore[attr-defined]


class Axis(DirectAxis, OpaqueGrid, pg.AxisItem):  # type: ignore[misc]
    pass


class DateAxis(DirectAxis, OpaqueGrid, pg.DateAxisItem):  # type: ignore[misc]
    """A time axis whose labels are remembered by time and spacing: as the axis moves on, the
    times on it stay the same, and each is formatted (a local-time conversion) once."""

    _strings: dict[tuple[Any, ...], str]
    tick_step: float | None = None  # the spacing of the finest ticks last drawn, in seconds

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        levels: list[Any] = super().tickValues(minVal, maxVal, size)
        steps = [b - a for _, values in levels for a, b in pairwise(values)]
        self.tick_step = min(steps) if steps else None
        return levels

    def draw_specs(self, p: Any) -> Specs | None:
        # As DateAxisItem.generateDrawSpecs: its zoom levels measure text with the tick font.
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        self.fontMetrics = p.fontMetrics()
        return draw_specs(self, p)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = self.__dict__.setdefault("_strings", {})
        how = (spacing, scale, id(self.zoomLevel), self.utcOffset)
        missing = [v for v in values if (v, *how) not in strings]
        if missing:
            if len(strings) >= MEASURED_MAX:
                strings.clear()
            formatted = super().tickStrings(missing, scale, spacing)
            strings.update(((v, *how), s) for v, s in zip(missing, formatted, strict=True))
        return [strings[(v, *how)] for v in values]


# Health values labelled on a log axis, most wanted first: 1 (liquidation), then the decades,
# then 2 and 5 of each, then 3 of each.
_HEALTH_LABELS = (
    1.0,
    *(10.0**k for k in (1, 2, 3, -1)),
    *(m * 10.0**k for m in (2.0, 5.0) for k in (-1, 0, 1, 2)),
    *(3.0 * 10.0**k for k in (-1, 0, 1, 2)),
)


class HealthAxis(Axis):
    """Log axis labelled 0.5, 1, 2, 10 rather than pyqtgraph's 10^x notation, and only as many
    as fit: pyqtgraph labels every minor tick of a decade (1, 0.9, 0.8 ... ran into each other
    on a laptop's short chart)."""

    def logTickValues(
        self, minVal: float, maxVal: float, size: float, stdTicks: list[Any]
    ) -> list[Any]:
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return list(super().logTickValues(minVal, maxVal, size, stdTicks))
        gap = 1.4 * QFontMetricsF(self.font()).height() * span / size  # in log10 units
        kept: list[float] = []
        for value in _HEALTH_LABELS:
            at = math.log10(value)
            if minVal <= at <= maxVal and all(abs(at - k) >= gap for k in kept):
                kept.append(at)
        return [(None, sorted(kept))]

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{10**v:g}" for v in values]
