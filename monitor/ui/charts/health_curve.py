"""The health history's curve: drawn as pyqtgraph's curve draws it, repainting only what a tick
changed.

A tick adds a point at the end of the series. pyqtgraph's PlotDataItem takes the new series
through its whole pipeline (about 0.6 ms of the UI thread for a few dozen points) and, since
its bounds grew, repaints its whole bounding box with the grid, lines and labels under it
(420×101 px in tests/ui/test_health_curve.py). Here the bounds are the view's (the curve is
clipped to it anyway), so a new point changes no geometry, and only the rectangle around the
segments that changed is repainted; the view moving (pan, zoom, the time axis moving on)
repaints it all.

Drawn as PlotCurveItem draws an opaque solid pen wider than a pixel without antialiasing
(pyqtgraph's default): the segments between finite neighbours, NaN (unknown) a gap. Shown
as PlotDataItem shows a series with clipToView and peak downsampling: only the points in view
and one past each edge, and about one max/min pair per pixel (a day of points otherwise draws
some ten thousand segments, ~8 ms) — except that a last, incomplete group is drawn too:
pyqtgraph leaves it out, and with it the newest point.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from monitor.ui.charts.curve_segments import Segments

Points = NDArray[np.float64]  # a series' coordinates, one axis
# The points drawn as (first, end) of the mapped points, when they are those points as they are
# (not downsampled); None otherwise.
Span = tuple[int, int] | None

_EMPTY = np.empty(0, dtype=np.float64)
# Around the segments a tick changed, in pixels: half the pen, its square caps, a margin.
_PAD_PX = 3.0


def _log10(values: Points) -> Points:
    """log10, NaN where there is none (zero, negative, NaN): a gap, as pyqtgraph's log mode."""
    out = np.full(values.shape, np.nan)
    ok = np.isfinite(values) & (values > 0)
    np.log10(values, out=out, where=ok)
    return out


def _log10_one(value: Points) -> float:
    """_log10 of a one-value array: numpy's log10 (math's differs from it in the last bit),
    one numpy call where _log10's mask costs four more."""
    v = float(value[0])
    return float(np.log10(value)[0]) if v > 0 and math.isfinite(v) else math.nan


def peak_downsample(x: Points, y: Points, ds: int) -> tuple[Points, Points]:
    """Each group of `ds` points as its max then its min, at the group's middle x (as
    PlotDataItem's "peak"), the last group however short."""
    if ds <= 1 or x.size == 0:
        return x, y
    n = -(-x.size // ds)  # groups, the last one maybe short
    pad = n * ds - y.size
    ys = np.concatenate([y, np.full(pad, y[-1])]).reshape(n, ds) if pad else y.reshape(n, ds)
    middle = np.minimum(np.arange(n) * ds + ds // 2, x.size - 1)
    xs = np.repeat(x[middle], 2)
    out = np.empty((n, 2))
    out[:, 0] = ys.max(axis=1)  # NaN in a group: NaN, a gap (as pyqtgraph's)
    out[:, 1] = ys.min(axis=1)
    return xs, out.reshape(n * 2)


class HealthCurve(pg.GraphicsObject):  # type: ignore[misc]
    """A time series drawn as a line, in a log-health plot (`set_series`)."""

    def __init__(self, pen: QPen) -> None:
        super().__init__()
        self._pen = QPen(pen)
        self._log = (False, False)  # the plot's log mode (x, y): set by PlotItem.addItem
        # The points as given (t, h) and mapped (x, y: log mode), each the first `_n` values
        # of a buffer with room after them, so that a tick appends without copying the rest.
        self._n = 0
        self._buffers = [_EMPTY, _EMPTY, _EMPTY, _EMPTY]
        self._t, self._h = _EMPTY, _EMPTY  # as given
        self._x, self._y = _EMPTY, _EMPTY  # mapped (log mode)
        # The complete groups of the last downsampling (first point, group size, groups, their
        # points): the points only grow at the end, so at a tick only new groups are made.
        self._groups: tuple[int, int, int, Points, Points] | None = None
        self._shown: tuple[Points, Points] = (_EMPTY, _EMPTY)
        self._shown_span: Span = None  # which points those are (Span)
        self._segments = Segments()
        self._bounds: QRectF | None = None
        # The part being repainted handed to paint (option.exposedRect), not the whole.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    # ---- data ---------------------------------------------------------------------------
    def set_series(self, t: Points, h: Points) -> None:
        """The whole series (times in seconds, health). Repaints what changed: at a tick,
        the few pixels around the new point. A caller that knows the series only grew at its
        end says `extend`, which compares and copies nothing of what came before."""
        t = np.asarray(t, dtype=np.float64)
        h = np.asarray(h, dtype=np.float64)
        kept = self._n
        if 0 < kept <= t.size and _same(t[:kept], self._t) and _same(h[:kept], self._h):
            self.extend(t[kept:], h[kept:])  # grown at its end (a tick)
            return
        self._reset(t, h)
        self._show(partial=True)

    def extend(self, t: Points, h: Points) -> None:
        """Points after the last one (a tick): the work is the new points' and the points
        drawn, not the whole series'."""
        if t.size:
            self._append(np.asarray(t, dtype=np.float64), np.asarray(h, dtype=np.float64))
            self._show(partial=True)

    def _reset(self, t: Points, h: Points) -> None:
        # Copied into new buffers: a caller may reuse its arrays, and the points shown last
        # (compared with the new ones in _show) may be views of the old buffers.
        self._n = 0
        self._buffers = [_EMPTY, _EMPTY, _EMPTY, _EMPTY]
        self._groups = None
        self._shown_span = None  # the points shown are not a prefix of the new ones
        self._append(t, h)

    def _append(self, t: Points, h: Points) -> None:
        n, more = self._n, t.size
        if more == 1 and n < self._buffers[0].size:  # a tick: one point, and room for it
            self._append_one(t, h)
            return
        new = (t, h, self._mapped(t, 0), self._mapped(h, 1))
        self._buffers = [_appended(b, n, v) for b, v in zip(self._buffers, new, strict=True)]
        self._n = n + more
        self._views()

    def _append_one(self, t: Points, h: Points) -> None:
        """One point (a tick's) written into the buffers' room: the fewest numpy calls, each
        costing tens of microseconds on the UI thread (curve_segments.py)."""
        n = self._n
        tb, hb, xb, yb = self._buffers
        tb[n], hb[n] = t[0], h[0]
        xb[n] = _log10_one(t) if self._log[0] else t[0]
        yb[n] = _log10_one(h) if self._log[1] else h[0]
        self._n = n + 1
        self._views()

    def _views(self) -> None:
        n = self._n
        self._t, self._h, self._x, self._y = (b[:n] for b in self._buffers)

    def getData(self) -> tuple[Points, Points]:
        """The points drawn (mapped, clipped and downsampled), as PlotCurveItem's getData."""
        return self._shown

    def setLogMode(self, x: bool, y: bool) -> None:  # pyqtgraph's name
        self._log = (bool(x), bool(y))
        self._map()
        self._show(partial=False)

    def _map(self) -> None:
        self._reset(self._t, self._h)

    def _mapped(self, values: Points, axis: int) -> Points:
        return _log10(values) if self._log[axis] else values

    def _display(self) -> tuple[Points, Points, Span]:
        """The points to draw for the view as it is: those in view and one group past each
        edge, peak-downsampled to about a pair per pixel; and their span (Span)."""
        x, y = self._x, self._y
        view = self.getViewBox()
        if view is None or x.size < 2:
            return x, y, None
        left, right = view.viewRange()[0]
        ds = 1
        dx = float(x[-1] - x[0]) / (x.size - 1)
        width = view.width()
        if dx > 0 and width > 0 and math.isfinite(dx):
            wanted = (right - left) / dx / width
            if math.isfinite(wanted):
                ds = max(1, int(wanted))
        first = min(max(bisect.bisect_left(x, left) - ds, 0), x.size)
        last = min(max(bisect.bisect_left(x, right) + ds, first), x.size)
        if ds <= 1:
            return x[first:last], y[first:last], (first, last)
        # The complete groups as last made, and those completed since; the last, incomplete
        # group made anew. (Each group is downsampled on its own: the same points as all of
        # them made at once.)
        groups = (last - first) // ds
        kept = self._groups
        if kept is None or kept[:2] != (first, ds) or kept[2] > groups:
            kept = (first, ds, 0, _EMPTY, _EMPTY)
        done = kept[2]
        xs, ys = kept[3], kept[4]
        if groups > done:
            start, end = first + done * ds, first + groups * ds
            more_x, more_y = peak_downsample(x[start:end], y[start:end], ds)
            xs, ys = np.concatenate([xs, more_x]), np.concatenate([ys, more_y])
        self._groups = (first, ds, groups, xs, ys)
        end = first + groups * ds
        tail_x, tail_y = peak_downsample(x[end:last], y[end:last], ds)
        return np.concatenate([xs, tail_x]), np.concatenate([ys, tail_y]), None

    def _show(self, *, partial: bool) -> None:
        """Take the points to draw anew; repaint the part that changed (partial) or all."""
        old_x, old_y = self._shown
        old_span = self._shown_span
        new_x, new_y, span = self._display()
        self._shown_span = span
        self._shown = (new_x, new_y)
        if (
            partial
            and span is not None
            and old_span is not None
            and span[0] == old_span[0]
            and old_x.size >= 1  # (old_span's points: they are set together)
            and span[1] >= old_span[1]
        ):
            # The points shown before, then new ones: their segments appended, and the
            # rectangle from the last point shown to the newest repainted.
            self._grown(old_span[1], span[1])
            return
        self._segments.make(new_x, new_y)
        same = _common_prefix(old_x, old_y, new_x, new_y)
        if partial and same > 0 and self.getViewBox() is not None:
            if same == old_x.size == new_x.size:
                return  # nothing moved
            changed = _box(
                np.concatenate([old_x[same - 1 :], new_x[same - 1 :]]),
                np.concatenate([old_y[same - 1 :], new_y[same - 1 :]]),
            )
            if changed is not None:
                self.update(self._padded(changed))
            return
        self.update()

    def _grown(self, end: int, new_end: int) -> None:
        """The points shown end at `end` (the mapped points' index) and now at `new_end`:
        their segments appended (curve_segments.py), and the rectangle from the last point
        shown to the newest repainted."""
        if new_end == end:
            return  # nothing moved
        x, y = self._x, self._y
        points = [(float(x[i]), float(y[i])) for i in range(end - 1, new_end)]
        self._segments.append(points)
        shown = [(a, b) for a, b in points if math.isfinite(a) and math.isfinite(b)]
        if shown and self.getViewBox() is not None:
            xs, ys = [a for a, _ in shown], [b for _, b in shown]
            box = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
            self.update(self._padded(box))

    def _padded(self, box: QRectF) -> QRectF:
        """`box` and _PAD_PX pixels around it, in the data's units (the view's scale: the
        curve lies in the view's data coordinates, unscaled)."""
        view = self.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        width, height = view.width(), view.height()
        dx = _PAD_PX * (x1 - x0) / width if width > 0 else 0.0
        dy = _PAD_PX * (y1 - y0) / height if height > 0 else 0.0
        return box.adjusted(-dx, -dy, dx, dy)

    # ---- the view -----------------------------------------------------------------------
    def viewRangeChanged(self) -> None:  # pyqtgraph's hook
        self._bounds = None
        self.prepareGeometryChange()
        self._show(partial=False)

    def viewTransformChanged(self) -> None:  # pyqtgraph's hook: a resize
        self.viewRangeChanged()

    def dataBounds(
        self, ax: int, frac: float = 1.0, orthoRange: Any = None
    ) -> tuple[float | None, float | None]:
        """The data's extent on an axis, for the view's auto-range (as PlotCurveItem's)."""
        d, other = (self._x, self._y) if ax == 0 else (self._y, self._x)
        keep = np.isfinite(d)
        if orthoRange is not None:
            keep &= (other >= orthoRange[0]) & (other <= orthoRange[1])
        values = d[keep]
        if values.size == 0:
            return (None, None)
        return (float(values.min()), float(values.max()))

    def boundingRect(self) -> QRectF:
        """The view's rectangle: the curve is clipped to it, and it stays put when a point is
        added (bounds that grew would repaint the whole plot)."""
        if self._bounds is None:
            view = self.getViewBox()
            if view is not None:
                self._bounds = QRectF(view.viewRect())
            else:
                box = _box(self._x, self._y)
                self._bounds = box if box is not None else QRectF()
        return self._bounds

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, *args: object) -> None:
        if len(self._segments) == 0:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(self._pen)
        exposed = option.exposedRect
        if exposed.isEmpty() or exposed.contains(self.boundingRect()):
            p.drawLines(*self._segments.drawargs())
            return
        # A tick repaints a few pixels: of the segments, only those that reach them are drawn
        # (a day of points, ~1,500 segments after downsampling: 0.2 ms a paint, 0.7 ms with
        # every segment handed to the clip).
        p.drawLines(self._segments.reaching(self._padded(exposed)))


def _appended(buffer: Points, size: int, values: Points) -> Points:
    """`buffer`, its first `size` values in use, with `values` after them: the same buffer
    while it has room, else a copy twice as large (appending costs the values appended)."""
    need = size + values.size
    if need > buffer.size:
        grown = np.empty(max(need, 2 * buffer.size, 256))
        grown[:size] = buffer[:size]
        buffer = grown
    buffer[size:need] = values
    return buffer


def _same(a: Points, b: Points) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True))


def _common_prefix(ax: Points, ay: Points, bx: Points, by: Points) -> int:
    """How many leading points two point lists share (NaN equal to NaN)."""
    n = min(ax.size, bx.size)
    if n == 0:
        return 0
    differ = ~(
        ((ax[:n] == bx[:n]) | (np.isnan(ax[:n]) & np.isnan(bx[:n])))
        & ((ay[:n] == by[:n]) | (np.isnan(ay[:n]) & np.isnan(by[:n])))
    )
    first = int(np.argmax(differ))
    return first if differ[first] else n


def _box(x: Points, y: Points) -> QRectF | None:
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    xs, ys = x[ok], y[ok]
    x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    return QRectF(x0, y0, x1 - x0, y1 - y0)
