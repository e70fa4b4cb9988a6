"""The liquidation ladder's left axis: a name per row, each with its liquidation price.

The prices follow the marks, so every tick brings new labels for the same rows. pyqtgraph
works the whole axis out again for new labels (every row measured, placed and laid out); here,
when only labels changed, each changed one is measured, placed and laid out on its own and
the rest are kept as drawn. Anything else (a new row, range or size) works the axis out anew.
The rows' places are pyqtgraph's (axis_specs), so are the pixels (tests/ui/test_table_redraw).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter

from monitor.ui.charts.axes import Axis
from monitor.ui.charts.axis_drawing import Compiled, Labels, Placed

_FLAGS = int(Qt.AlignmentFlag.AlignRight.value | Qt.AlignmentFlag.AlignVCenter.value)


class _Row:
    __slots__ = ("placed", "text", "width", "x")

    def __init__(self, x: float | None, text: str) -> None:
        self.x, self.text = x, text  # x: the row's place on the axis (None: out of range)
        self.width = 0.0
        self.placed: list[Placed] = []


class RowAxis(Axis):
    """A left axis of explicit ticks (one level) whose labels change more often than its rows."""

    _tickLevels: Any  # pyqtgraph's: the explicit ticks
    _rows: list[_Row] | None = None  # as last drawn; None: worked out by the generic path
    _stop = _gap = 0.0
    _box = QRectF()

    def setTicks(self, ticks: list[list[tuple[float, str]]] | None) -> None:
        old: Any = self._tickLevels
        same_rows = (
            ticks is not None
            and old is not None
            and len(ticks) == len(old) == 1
            and [v for v, _ in ticks[0]] == [v for v, _ in old[0]]
        )
        if (
            same_rows
            and ticks
            and self.picture is not None
            and self._relabel([t for _, t in ticks[0]])
        ):
            self._tickLevels = ticks
            self.update()
            return
        super().setTicks(ticks)

    def compile(self, p: QPainter, font: QFont) -> Compiled | None:
        compiled = super().compile(p, font)
        self._rows = None
        if compiled is None or compiled.slow or self.orientation != "left":
            return compiled
        levels = self._tickLevels
        if levels is None or len(levels) != 1 or not self.style["showValues"]:
            return compiled
        # Each row where axis_specs.draw_specs put it, for relabelling.
        bounds = self.mapRectFromParent(self.geometry())
        low, high = self.range
        if high - low == 0:
            scale, offset = 1.0, 0.0
        else:
            scale = -bounds.height() / (high - low)
            offset = low * scale - bounds.height()
        x_min, x_max = sorted((low * scale - offset, high * scale - offset))
        self._stop = bounds.right()
        self._gap = max(0, self.style["tickLength"]) + self.style["tickTextOffset"][0]
        self._box = self.boundingRect()
        rows = []
        for value, text in levels[0]:
            x = value * scale - offset
            rows.append(_Row(x if x_min <= x <= x_max else None, text))
        self._rows = rows
        self._place(rows)
        self._drawn(compiled)
        return compiled

    def _relabel(self, texts: list[str]) -> bool:
        rows, compiled = self._rows, self._compiled
        labels: Labels | None = self.__dict__.get("_labels")
        if rows is None or compiled is None or labels is None:
            return False
        if not all(labels.fits(text) for text in texts):
            return False
        changed = []
        for row, text in zip(rows, texts, strict=True):
            if row.text != text:
                row.text = text
                changed.append(row)
        self._place(changed)
        self._drawn(compiled)
        # As the full path: the axis widens (a relayout, then a full path) for a wider label.
        width = max((row.width for row in rows if row.x is not None), default=0.0)
        self._updateMaxTextSize(width)
        self.picture = True  # the drawing is current (_updateMaxTextSize drops it)
        return True

    def _place(self, rows: list[_Row]) -> None:
        labels: Labels = self.__dict__["_labels"]
        for row in rows:
            row.placed = []
            if row.x is None:
                continue
            width, height = labels.size(row.text)
            height *= 0.8  # as pyqtgraph: its bounding rectangle is a bit too large
            row.width = width
            rect = QRectF(self._stop - self._gap - width, row.x - height / 2, width, height)
            if self._box & rect != rect:  # not wholly on the axis: left out, as pyqtgraph
                continue
            row.placed = labels.place(rect, _FLAGS, row.text)

    def _drawn(self, compiled: Compiled) -> None:
        rows = self._rows or []
        compiled.texts = [entry for row in rows for entry in row.placed]
        labels: Labels = self.__dict__["_labels"]
        labels.keep(row.text for row in rows)

    def rows(self) -> list[tuple[Any, ...]]:
        """(text, drawn) per row, as last drawn (tests)."""
        return [(row.text, bool(row.placed)) for row in self._rows or []]
