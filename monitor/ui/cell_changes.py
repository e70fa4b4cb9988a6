"""A table model's changed cells, announced in few `dataChanged` signals (KeyedTableModel).

Each signal costs the sort proxy and the view a round of work: a tick's changes go out as
rectangles (a column's range of changed rows over a run of adjacent columns with the same
range), typically a few (every row's marks, prices and figures), not one per row or per block
of rows; a cell that did not change is announced only inside a range, never alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel


def blocks(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as blocks (first, last) of adjacent ones."""
    out: list[tuple[int, int]] = []
    for row in rows:
        if out and out[-1][1] == row - 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def announce(
    model: QAbstractItemModel, cells: list[list[int]], roles_of: Callable[[int], Sequence[Any]]
) -> None:
    """`cells[c]`: the rows whose column c changed, ascending. A column's changes go out as one
    range, from its first changed row to its last; a run of columns together when their ranges
    and roles (`roles_of(column)`) are the same. A range holds unchanged cells too: the views
    repaint them from the rows' images (table_view.py) for less than a signal each costs the
    model, the sort proxy and the view (a tick's changed rows are scattered through a sorted
    table: some forty signals became a handful)."""
    spans = [(rows[0], rows[-1]) if rows else None for rows in cells]
    col = 0
    while col < len(spans):
        span = spans[col]
        roles = roles_of(col)
        end = col
        while end + 1 < len(spans) and spans[end + 1] == span and roles_of(end + 1) == roles:
            end += 1
        if span is not None:
            model.dataChanged.emit(model.index(span[0], col), model.index(span[1], end), roles)
        col = end + 1
