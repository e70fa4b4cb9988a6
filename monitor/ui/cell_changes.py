"""A table model's changed cells, announced in few `dataChanged` signals (KeyedTableModel).

Each signal costs the sort proxy and the view a round of work: a tick's changes go out as
rectangles (a block of adjacent rows over a run of adjacent columns whose same rows changed),
typically a few (every row's marks, prices and figures), not one per row; each cell is still
announced once, and only when it changed.
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
    """`cells[c]`: the rows whose column c changed, ascending. A run of columns is announced
    together when the same rows changed in each and with the same roles (`roles_of(column)`)."""
    spans = [blocks(rows) for rows in cells]
    col = 0
    while col < len(spans):
        runs = spans[col]
        roles = roles_of(col)
        end = col
        while end + 1 < len(spans) and spans[end + 1] == runs and roles_of(end + 1) == roles:
            end += 1
        for first, last in runs:
            model.dataChanged.emit(model.index(first, col), model.index(last, end), roles)
        col = end + 1
