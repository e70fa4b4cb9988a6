"""An axis's ticks and labels worked out: pyqtgraph's AxisItem.generateDrawSpecs, step for
step, with plain points and the axis's bounds taken once (pyqtgraph makes a Python Point per
tick end and asks for the axis's bounding rectangle once per label: most of a time axis's
redraw as it moves on). Same specs, same pixels (tests/ui/test_table_redraw.py compares)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPen

Specs = tuple[tuple[QPen, QPointF, QPointF], list[Any], list[tuple[QRectF, Any, str]]]

_FLAGS = {
    "left": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    "right": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    "top": Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
    "bottom": Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
}


def _line_alpha(style: dict[str, Any], level: int, grid: Any, length: float, count: int) -> Any:
    alpha = style["tickAlpha"]
    if alpha is None:
        alpha = 255 / (level + 1)
        if grid is not False:
            alpha *= grid / 255.0 * min(max(0.05 * length / (count + 1), 0.0), 1.0)
    elif isinstance(alpha, float):
        alpha = min(255, max(0, round(alpha * 255)))
    elif isinstance(alpha, int):
        if alpha > 255 or alpha < 0:
            raise ValueError("lineAlpha should be [0..255]")
    else:
        raise TypeError("Line Alpha should be of type None, float or int")
    return alpha


def draw_specs(axis: pg.AxisItem, p: Any) -> Specs | None:
    style = axis.style
    if style["tickFont"] is not None:
        p.setFont(style["tickFont"])
    bounds = axis.mapRectFromParent(axis.geometry())
    view = axis.linkedView()
    if view is None or axis.grid is False:
        tick_bounds = bounds
    else:
        tick_bounds = view.mapRectToItem(axis, view.boundingRect())
    side = axis.orientation
    if side == "left":
        span = [QPointF(bounds.right() - 1, bounds.top() - 1)]
        span.append(QPointF(bounds.right() - 1, bounds.bottom() + 1))
        start, stop, direction, across = tick_bounds.right(), bounds.right(), -1, 0
    elif side == "right":
        span = [QPointF(bounds.left() + 1, bounds.top() - 1)]
        span.append(QPointF(bounds.left() + 1, bounds.bottom() + 1))
        start, stop, direction, across = tick_bounds.left(), bounds.left(), 1, 0
    elif side == "top":
        span = [QPointF(bounds.left() - 1, bounds.bottom() - 1)]
        span.append(QPointF(bounds.right() + 1, bounds.bottom() - 1))
        start, stop, direction, across = tick_bounds.bottom(), bounds.bottom(), -1, 1
    elif side == "bottom":
        span = [QPointF(bounds.left() - 1, bounds.top() + 1)]
        span.append(QPointF(bounds.right() + 1, bounds.top() + 1))
        start, stop, direction, across = tick_bounds.top(), bounds.top(), 1, 1
    else:
        raise ValueError("self.orientation must be in {'left', 'right', 'top', 'bottom'}")
    ends = [axis.mapToDevice(point) for point in span]
    if ends[0] is None or ends[1] is None:
        return None
    length = math.hypot(ends[1].x() - ends[0].x(), ends[1].y() - ends[0].y())
    if length == 0:
        return None

    if axis._tickLevels is None:
        levels = axis.tickValues(axis.range[0], axis.range[1], length)
        given: list[list[Any]] | None = None
    else:
        levels, given = [], []
        for level in axis._tickLevels:
            levels.append((None, [value for value, _ in level]))
            given.append([text for _, text in level])

    low, high = axis.range
    if high - low == 0:
        scale, offset = 1.0, 0.0
    elif across == 0:
        scale = -bounds.height() / (high - low)
        offset = low * scale - bounds.height()
    else:
        scale = bounds.width() / (high - low)
        offset = low * scale
    x_min, x_max = sorted((low * scale - offset, high * scale - offset))

    positions: list[list[float | None]] = []
    ticks: list[tuple[QPen, QPointF, QPointF]] = []
    for i, (_, values) in enumerate(levels):
        placed: list[float | None] = []
        positions.append(placed)
        tick_length = style["tickLength"] / ((i * 0.5) + 1.0)
        alpha = _line_alpha(style, i, axis.grid, length, len(values))
        pen = axis.tickPen()
        if pen.brush().style() == Qt.BrushStyle.SolidPattern:  # only plain colours adjusted
            pen = QPen(pen)
            colour = pen.color()
            colour.setAlpha(int(alpha))
            pen.setColor(colour)
        end = stop if axis.grid is not False else stop + tick_length * direction
        for v in values:
            x = (v * scale) - offset
            if x < x_min or x > x_max:  # out of bounds: not drawn
                placed.append(None)
                continue
            placed.append(x)
            if across == 0:
                ticks.append((pen, QPointF(start, x), QPointF(end, x)))
            else:
                ticks.append((pen, QPointF(x, start), QPointF(x, end)))

    drawn = [x for level in positions for x in level if x is not None]
    if style["stopAxisAtTick"][0] is True and drawn:
        if across == 0:
            span[0].setY(max(span[0].y(), min(drawn)))
        else:
            span[0].setX(max(span[0].x(), min(drawn)))
    if style["stopAxisAtTick"][1] is True and drawn:
        if across == 0:
            span[1].setY(min(span[1].y(), max(drawn)))
        else:
            span[1].setX(min(span[1].x(), max(drawn)))
    axis_spec = (axis.pen(), span[0], span[1])

    texts: list[tuple[QRectF, Any, str]] = []
    if not style["showValues"]:
        return axis_spec, ticks, texts
    text_offset = style["tickTextOffset"][across]
    width_across = last_width_across = 0.0
    all_rects: list[QRectF] = []
    box = axis.boundingRect()
    flags = _FLAGS[side] | Qt.TextFlag.TextDontClip
    for i in range(min(len(levels), style["maxTextLevel"] + 1)):
        if given is None:
            spacing, values = levels[i]
            strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        else:
            strings = given[i]
        if len(strings) == 0:
            continue
        strings = [s if positions[i][j] is not None else None for j, s in enumerate(strings)]
        rects: list[QRectF | None] = []
        for s in strings:
            if s is None:
                rects.append(None)
                continue
            br = p.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, s)
            br.setHeight(br.height() * 0.8)  # boundingRect is usually a bit too large
            rects.append(br)
            all_rects.append(br)
        if all_rects:
            if across == 0:
                along = float(np.sum([r.height() for r in all_rects]))
                width_across = float(np.max([r.width() for r in all_rects]))
            else:
                along = float(np.sum([r.width() for r in all_rects]))
                width_across = float(np.max([r.height() for r in all_rects]))
        else:
            along = width_across = 0.0
        if i > 0:  # the top level always; the next ones while they are not crowded
            fill = along / length
            if any(len(texts) >= n and fill >= limit for n, limit in style["textFillLimits"]):
                break
        last_width_across = width_across
        gap = max(0, style["tickLength"]) + text_offset
        for j, s in enumerate(strings):
            rect = rects[j]
            if s is None or rect is None:
                continue
            x = positions[i][j]
            assert x is not None
            h, w = rect.height(), rect.width()
            if side == "left":
                place = QRectF(stop - gap - w, x - h / 2, w, h)
            elif side == "right":
                place = QRectF(stop + gap, x - h / 2, w, h)
            elif side == "top":
                place = QRectF(x - w / 2.0, stop - gap - h, w, h)
            else:
                place = QRectF(x - w / 2.0, stop + gap, w, h)
            if box & place != place:  # not wholly on the axis: left out
                continue
            texts.append((place, flags, s))
    axis._updateMaxTextSize(last_width_across)
    return axis_spec, ticks, texts
