"""An axis's ticks and labels compiled for drawing, and drawn: runs of lines of one pen, each
straight line across the plot (a grid line, a tick) filled as the row or column of pixels QPainter
would draw for it; labels laid out once (QStaticText, kept by text) and placed where QPainter
would draw them. Pixel for pixel pyqtgraph's recorded picture (tests/ui/test_table_redraw.py).

Qt draws a cosmetic one-pixel line pixel by pixel (some 25 instructions a pixel: a time chart's
grid, redrawn as the time axis moves on, cost ~5 M instructions a refresh); the same pixels
filled as a rectangle are a memory fill.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetricsF, QPainter, QPen, QStaticText, QTransform

_BOTTOM = Qt.AlignmentFlag.AlignBottom.value  # flags as ints: enum arithmetic is slow
_VCENTER = Qt.AlignmentFlag.AlignVCenter.value
_RIGHT = Qt.AlignmentFlag.AlignRight.value
_HCENTER = Qt.AlignmentFlag.AlignHCenter.value
_CENTER = Qt.AlignmentFlag.AlignCenter.value
# A label's line as placed: where it is drawn, laid out, and its box (x0, y0, x1, y1).
Placed = tuple[QPointF, QStaticText, tuple[float, float, float, float]]
MEASURED_MAX = 2048  # labels measured or formatted, kept per axis (far more than on screen)


class Measure:
    """What generateDrawSpecs asks of its painter: the size of each label, remembered by text
    (the same label is measured once, not at every new range), and worked out from its lines
    as laid out for drawing (`Labels`) rather than laid out once more by QPainter."""

    def __init__(
        self, painter: QPainter, sizes: dict[tuple[Any, ...], QRectF], labels: Labels
    ) -> None:
        self._painter = painter
        self._sizes = sizes
        self._labels = labels
        self._font = painter.font().key()

    def setFont(self, font: QFont) -> None:
        self._painter.setFont(font)
        self._font = font.key()

    def boundingRect(self, rect: QRectF, flags: Any, text: str) -> QRectF:
        key = (text, self._font, int(flags), rect.x(), rect.y(), rect.width(), rect.height())
        found = self._sizes.get(key)
        if found is None:
            if len(self._sizes) >= MEASURED_MAX:
                self._sizes.clear()
            labels = self._labels
            if int(flags) == _CENTER and self._font == labels.font_key and labels.fits(text):
                width, height = labels.size(text)  # as QPainter's, centred in `rect`
                found = QRectF(
                    rect.x() + (rect.width() - width) / 2,
                    rect.y() + (rect.height() - height) / 2,
                    width,
                    height,
                )
            else:
                found = self._painter.boundingRect(rect, flags, text)
            self._sizes[key] = found
        return QRectF(found)  # a copy: pyqtgraph trims its height

    def __getattr__(self, name: str) -> Any:  # the rest (a date axis's fontMetrics) as is
        return getattr(self._painter, name)


class Labels:
    """Labels laid out for one font, line by line, kept by text; `keep` drops those no longer
    drawn. A label's lines, size and whether it `fits` are worked out once."""

    def __init__(self) -> None:
        # A line: laid out, its advance (what alignment goes by: a glyph may overhang), width.
        self._lines: dict[str, tuple[QStaticText, float, float]] = {}
        # A label: its lines, whether it fits, its width and height (QPainter.boundingRect's).
        self._labels: dict[str, tuple[list[tuple[QStaticText, float, float]], bool, float]] = {}
        self._metrics = QFontMetricsF(QFont())
        self._font = QFont()
        self.font_key = ""
        self._used = False
        self._height = 0.0
        self._leading = 0.0
        self._tall = 0  # a laid-out line's height, in whole pixels

    def use(self, font: QFont) -> None:
        if not self._used or self._font != font:
            self._used = True
            self._font = QFont(font)
            self.font_key = font.key()
            self._lines.clear()
            self._labels.clear()
            self._metrics = metrics = QFontMetricsF(font)
            self._height = metrics.ascent() + metrics.descent()
            self._leading = metrics.leading()
            self._tall = math.ceil(self._height)

    def _line(self, text: str) -> tuple[QStaticText, float, float]:
        found = self._lines.get(text)
        if found is None:
            laid = QStaticText(text)
            laid.setTextFormat(Qt.TextFormat.PlainText)
            laid.prepare(QTransform(), self._font)
            size = laid.size()
            # A line taller than the font's (a glyph from a fallback font) or starting with a
            # space (right-aligned, QPainter sets it off by the space) is left to QPainter.
            fits = size.height() == self._tall and not text[:1].isspace()
            found = (laid, self._metrics.horizontalAdvance(text) if fits else -1.0, size.width())
            self._lines[text] = found
        return found

    def _label(self, text: str) -> tuple[list[tuple[QStaticText, float, float]], bool, float]:
        found = self._labels.get(text)
        if found is None:
            lines = [self._line(line) for line in text.split("\n")]
            width = max(line[2] for line in lines)
            found = self._labels[text] = (lines, all(line[1] >= 0 for line in lines), width)
        return found

    def keep(self, texts: Iterable[str]) -> None:
        labels = {text: self._labels[text] for text in texts if text in self._labels}
        self._labels = labels
        self._lines = {line: self._lines[line] for text in labels for line in text.split("\n")}

    def _stack(self, count: int) -> tuple[float, list[float]]:
        """The height of `count` lines and each one's top: as qt_format_text stacks them, each
        from a whole pixel."""
        height, tops = 0.0, []
        for _ in range(count):
            height = float(math.ceil(height + self._leading))
            tops.append(height)
            height += self._height
        return height, tops

    def fits(self, text: str) -> bool:
        """Whether `place` draws the text as QPainter would (see _line); others QPainter draws."""
        return self._label(text)[1]

    def size(self, text: str) -> tuple[float, float]:
        """QPainter.boundingRect's width and height of the (fitting) text."""
        lines, _, width = self._label(text)
        return width, self._stack(len(lines))[0]

    def place(self, rect: QRectF, flags: int, text: str) -> list[Placed]:
        """Where QPainter.drawText(rect, flags, text) (unclipped, unwrapped) draws each line:
        lines stacked from whole-pixel tops, the block aligned in the rectangle, each line
        aligned across it by its advance (qt_format_text's layout)."""
        lines = self._label(text)[0]
        height, tops = self._stack(len(lines))
        top = rect.y()
        if flags & _BOTTOM:
            top += rect.height() - height
        elif flags & _VCENTER:
            top += (rect.height() - height) / 2
        placed = []
        for (line, advance, _), dy in zip(lines, tops, strict=True):
            x = rect.x()
            if flags & _RIGHT:
                x += rect.width() - advance
            elif flags & _HCENTER:
                x += (rect.width() - advance) / 2
            y, size = top + dy, line.size()
            placed.append((QPointF(x, y), line, (x, y, x + size.width(), y + size.height())))
        return placed


class Compiled:
    """An axis ready to draw: its lines in runs of one pen, its labels laid out and placed."""

    __slots__ = ("_filled", "clip", "lines", "pen", "slow", "texts")

    def __init__(
        self,
        lines: list[tuple[QPen, list[QLineF]]],
        texts: list[Placed],
        slow: list[tuple[QRectF, int, str]],
        pen: QPen,
        clip: QRect,
    ) -> None:
        self.lines, self.texts, self.slow, self.pen, self.clip = lines, texts, slow, pen, clip
        self._filled: dict[tuple[float, float], list[Any]] = {}  # by the painter's offset

    def draw(self, p: QPainter, exposed: QRectF | None = None) -> None:
        """Draw, onto the view's painter; of the labels, those in `exposed` (the part of the
        axis being repainted, in its coordinates; None: all)."""
        # As pyqtgraph's drawPicture: aliased lines, antialiased text clipped to the axis.
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        to_device = p.transform()
        if to_device.type().value > QTransform.TransformationType.TxTranslate.value:
            for pen, lines in self.lines:  # scaled or turned: Qt's own lines
                p.setPen(pen)
                p.drawLines(lines)
        else:
            self._draw_lines(p, to_device)
        p.setPen(self.pen)
        p.setClipRect(self.clip)
        if exposed is None or exposed.isEmpty():
            for point, text, _ in self.texts:
                p.drawStaticText(point, text)
        else:  # a label outside the repainted part would be clipped away whole: not drawn
            left, top, right, bottom = (
                exposed.left(),
                exposed.top(),
                exposed.right(),
                exposed.bottom(),
            )
            for point, text, (x0, y0, x1, y1) in self.texts:
                if x1 >= left and x0 <= right and y1 >= top and y0 <= bottom:
                    p.drawStaticText(point, text)
        for rect, flags, label in self.slow:
            p.drawText(rect, flags, label)

    def _draw_lines(self, p: QPainter, to_device: QTransform) -> None:
        offset = (to_device.dx(), to_device.dy())
        runs = self._filled.get(offset)
        if runs is None:
            if len(self._filled) > 8:
                self._filled.clear()
            runs = self._filled[offset] = [
                _filled(pen, lines, *offset) for pen, lines in self.lines
            ]
        device = False
        for pen, lines, brush, rects in runs:
            if rects is None:
                if device:
                    p.setTransform(to_device)
                    device = False
                p.setPen(pen)
                p.drawLines(lines)
            else:
                if not device:
                    p.resetTransform()
                    p.setPen(Qt.PenStyle.NoPen)
                    device = True
                p.setBrush(brush)
                p.drawRects(rects)
        if device:
            p.setTransform(to_device)


def _filled(pen: QPen, lines: list[QLineF], dx: float, dy: float) -> tuple[Any, ...]:
    """(pen, lines, brush, rects): the pixels of one-pixel straight lines as rectangles in
    device coordinates (rects None: drawn as lines). Qt's cosmetic stroker draws a square-capped
    one-pixel line from (x1, y) to (x2, y) on the pixels floor(x1) … floor(x2) of row floor(y)."""
    simple = (
        pen.style() == Qt.PenStyle.SolidLine
        and pen.capStyle() == Qt.PenCapStyle.SquareCap
        and (pen.isCosmetic() or pen.widthF() == 0)
        and pen.widthF() <= 1
        and pen.brush().style() == Qt.BrushStyle.SolidPattern
    )
    if not simple:
        return pen, lines, None, None
    rects = []
    for line in lines:
        x1, y1, x2, y2 = line.x1() + dx, line.y1() + dy, line.x2() + dx, line.y2() + dy
        if y1 == y2 and abs(x2 - x1) >= 1:
            left, right = math.floor(min(x1, x2)), math.floor(max(x1, x2))
            rects.append(QRect(left, math.floor(y1), right - left + 1, 1))
        elif x1 == x2 and abs(y2 - y1) >= 1:
            top, bottom = math.floor(min(y1, y2)), math.floor(max(y1, y2))
            rects.append(QRect(math.floor(x1), top, 1, bottom - top + 1))
        else:  # slanted or shorter than a pixel: Qt's own
            return pen, lines, None, None
    return pen, lines, QBrush(pen.brush()), rects


def compile_specs(
    specs: tuple[Any, Sequence[Any], Sequence[Any]],
    labels: Labels,
    pen: QPen,
    clip: QRect,
) -> Compiled:
    """pyqtgraph's draw specs (axis line, ticks, labels) as runs of lines and placed labels."""
    (axis_pen, a, b), ticks, texts = specs
    runs: list[tuple[QPen, list[QLineF]]] = [(axis_pen, [QLineF(a, b)])]
    for tick_pen, start, stop in ticks:  # consecutive ticks of one pen: one call, same order
        if tick_pen is not runs[-1][0]:
            runs.append((tick_pen, []))
        runs[-1][1].append(QLineF(start, stop))
    placed: list[Placed] = []
    slow: list[tuple[QRectF, int, str]] = []
    for rect, flags, text in texts:
        if labels.fits(text):
            placed.extend(labels.place(rect, int(flags), text))
        else:
            slow.append((rect, int(flags), text))
    labels.keep(text for _, _, text in texts)
    return Compiled(runs, placed, slow, pen, clip)
