"""What the charts' plot items were last given, so an item is set only when what it shows
changed (or moved by half a pixel or more).

setData rebuilds an item (a scatter re-creates every symbol) and repaints it, and a repaint
redraws the plot under it, so an item whose data did not change is left alone.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtWidgets import QGraphicsObject


class Drawn:
    """What each plot item was last given; `set` sets an item only when that changed.

    With `slack`, an item is also left alone when no point moved by half a pixel or more since
    it was drawn, on the view as it was then: the stress curves drift by a tenth of a pixel a
    tick as the marks move, a picture the eye cannot tell from the last. The comparison is with
    what was drawn, not with the previous call, so small moves add up and are drawn once they
    reach half a pixel; after a zoom or re-range, the next change is drawn exactly.
    """

    def __init__(self) -> None:
        self._data: dict[int, Shown] = {}

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
        shown = view_range(view)
        if old is not None:
            if same(old.x, xs) and same(old.y, ys):
                return
            same_view = shown is not None and old.view == shown  # not zoomed or re-ranged since
            if slack and same_view and near(item, view, old, xs, ys):
                return
        self._data[id(item)] = Shown(xs, ys, shown)
        item.setData(xs, ys, **kwargs)


class Shown:
    """An item's data as drawn, and the view range it was drawn on (None: not on screen)."""

    __slots__ = ("view", "x", "y")

    def __init__(
        self,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        view: tuple[float, float, float, float] | None,
    ) -> None:
        self.x, self.y, self.view = x, y, view


def same(a: NDArray[np.float64], b: NDArray[np.float64]) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


def view_range(view: pg.ViewBox | None) -> tuple[float, float, float, float] | None:
    if view is None:
        return None
    (x0, x1), (y0, y1) = view.viewRange()
    return (x0, x1, y0, y1)


def half_pixel(view: pg.ViewBox | None) -> tuple[float, float] | None:
    """Half a screen pixel in view units (x, y); None when the view has no size to tell."""
    if view is None or view.width() < 2 or view.height() < 2:
        return None
    px, py = view.viewPixelSize()
    if not (0 < px < math.inf and 0 < py < math.inf):
        return None
    return px / 2, py / 2


def near(
    item: pg.PlotDataItem,
    view: pg.ViewBox,
    old: Shown,
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
) -> bool:
    """Whether every point of (xs, ys) lies within half a pixel of where `old` drew it: the
    same points, the same gaps, on the axes as drawn (log10 on a log axis)."""
    half = half_pixel(view)
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


def symbol_style(pen: object = _DEFAULT, brush: object = _DEFAULT) -> dict[str, object]:
    """A scatter's symbol pen and brush as Qt objects made once. pyqtgraph caches a drawn
    symbol by the identity of its pen and brush; given a colour (or left to its defaults), it
    makes a new QPen or QBrush at every setData, misses its cache, re-draws the symbol and
    grows the cache. The defaults are pyqtgraph's own (PlotDataItem's symbolPen, symbolBrush).
    """
    return {
        "symbolPen": pg.mkPen((200, 200, 200) if pen is _DEFAULT else pen),
        "symbolBrush": pg.mkBrush((50, 50, 150) if brush is _DEFAULT else brush),
    }


def place(item: pg.PlotDataItem, x: float, y: float) -> None:
    """Move a plotted item to (x, y) in view units, unless it is within half a pixel of it.

    PlotDataItem.setPos re-plots the item (it re-builds a scatter's points for its clipping);
    the item's own points do not move, so only its transform is set and its cached view
    rectangles (in its own coordinates, now elsewhere) are dropped.
    """
    pos = item.pos()
    if pos.x() == x and pos.y() == y:
        return
    half = half_pixel(item.getViewBox())
    if half is not None and abs(pos.x() - x) < half[0] and abs(pos.y() - y) < half[1]:
        return
    QGraphicsObject.setPos(item, x, y)
    for part in (item, item.curve, item.scatter):
        part.viewTransformChanged()
