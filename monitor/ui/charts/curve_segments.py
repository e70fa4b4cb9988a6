"""The line segments a curve draws (health_curve.py), kept so that a tick appends to them.

The segments are those of pyqtgraph's arrayToLineSegments with connect="finite": one between
each two neighbouring points that are both finite, in order; a NaN (unknown) leaves a gap.
They are kept in its array (QLineF rows that QPainter.drawLines takes whole), with room after
them: a tick's point adds its one segment, where making them all again at each tick cost a
dozen numpy calls. In the window a tick's numpy calls run with their code cold from the rest
of the refresh (Qt's, the interpreter's): measured there, the first log10 of a tick took
60-100 µs of the UI thread's CPU, the same call repeated at once 9 µs, alone in a loop 3 µs.

The points come in time order, so the segments are sorted by their ends' x: a paint of a few
pixels looks up the segments that reach them by bisection, not by testing every segment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments
from PySide6.QtCore import QLineF, QRectF

_ROOM = 256  # segments held at least, so that the first ticks do not reallocate


class Segments:
    def __init__(self) -> None:
        empty = np.empty(0, dtype=np.float64)
        self._lines = arrayToLineSegments(empty, empty, connect="finite", finiteCheck=True)
        self._room = 0  # segments the array holds without reallocating
        # Whether the segments' x only grows from one to the next (points in time order).
        self._sorted = True

    def __len__(self) -> int:
        return len(self._lines)

    def ndarray(self) -> NDArray[np.float64]:
        """The segments as rows (x0, y0, x1, y1)."""
        return self._lines.ndarray()  # type: ignore[no-any-return]

    def drawargs(self) -> Any:
        return self._lines.drawargs()

    def make(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> None:
        """The segments of these points, made anew."""
        # Room for twice as many first: a resize within the array's room keeps what it
        # holds, one past it reallocates it empty (pyqtgraph's PrimitiveArray).
        if x.size - 1 > self._room:
            self._room = max(2 * x.size, _ROOM)
            self._lines.resize(self._room)
        self._lines = arrayToLineSegments(x, y, connect="finite", finiteCheck=True, out=self._lines)
        lines = self.ndarray()
        self._sorted = bool(
            np.all(lines[1:, 0] >= lines[:-1, 2]) and np.all(lines[:, 2] >= lines[:, 0])
        )

    def append(self, points: Sequence[tuple[float, float]]) -> None:
        """Points after the last one drawn, that last one first: the segments between
        finite neighbours among them appended."""
        finite = [math.isfinite(x) and math.isfinite(y) for x, y in points]
        joined = [i for i in range(1, len(points)) if finite[i - 1] and finite[i]]
        count = len(self._lines)
        if count + len(joined) > self._room:
            kept = self.ndarray().copy()
            self._room = max(2 * (count + len(joined)), _ROOM)
            self._lines.resize(self._room)  # reallocated: empty
            self._lines.ndarray()[:count] = kept
        self._lines.resize(count + len(joined))
        lines = self._lines.ndarray()
        last_x = float(lines[count - 1, 2]) if count else -math.inf
        for k, i in enumerate(joined, start=count):
            (x0, y0), (x1, y1) = points[i - 1], points[i]
            lines[k] = (x0, y0, x1, y1)
            self._sorted = self._sorted and last_x <= x0 <= x1
            last_x = x1

    def reaching(self, box: QRectF) -> list[QLineF]:
        """The segments that may reach `box` (its x range, at least every one that does)."""
        lines = self.ndarray()
        left, right = box.left(), box.right()
        if self._sorted:
            # Sorted: those from the first that ends at or after the box's left to the last
            # that starts at or before its right. (Those passing above or below it are drawn
            # too, clipped away: the same pixels.)
            first = int(np.searchsorted(lines[:, 2], left, side="left"))
            end = int(np.searchsorted(lines[:, 0], right, side="right"))
            return [QLineF(*row) for row in lines[first:end].tolist()]
        x0, x1 = np.minimum(lines[:, 0], lines[:, 2]), np.maximum(lines[:, 0], lines[:, 2])
        y0, y1 = np.minimum(lines[:, 1], lines[:, 3]), np.maximum(lines[:, 1], lines[:, 3])
        near = (x1 >= left) & (x0 <= right) & (y1 >= box.top()) & (y0 <= box.bottom())
        return [QLineF(*row) for row in lines[near].tolist()]
