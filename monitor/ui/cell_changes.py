"""A table model's changed cells, announced in few `dataChanged` signals (KeyedTableModel).

Each signal costs the sort proxy and the view a round of work (the proxy maps the range and
may re-sort it, the view works out a rectangle to repaint), more than repainting a few
unchanged cells from their row's image (row_copies.py). A tick's changes go out per block of
adjacent rows that changed, one rectangle per run of adjacent columns that changed in that
block: typically a handful (every row's mark and the figures it moves, in three or four runs
of columns), where a rectangle per run of columns whose very same rows changed was some
thirty a tick (about 12 % more of the UI thread's instructions, ~0.5 ms of its time here).
Every changed cell is announced, once. Unchanged cells are announced only inside a block,
in a column that changed in another of its rows (the same pixels repainted); a row that did
not change, and a column that changed in none of the block's rows, are not.
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
    model: QAbstractItemModel,
    changed: dict[int, Sequence[int]],
    roles_of: Callable[[int], Sequence[Any]],
) -> None:
    """`changed[row]`: the row's changed columns, ascending; rows in ascending order. Each
    block of adjacent changed rows is announced a run of adjacent changed columns at a time,
    with the roles of the run's columns (`roles_of(column)`)."""
    for first, last in blocks(list(changed)):
        if first == last:
            columns: Sequence[int] = changed[first]
        else:
            columns = sorted({c for row in range(first, last + 1) for c in changed[row]})
        for left, right in blocks(list(columns)):  # runs of adjacent changed columns
            roles: list[Any] = []
            for col in range(left, right + 1):
                roles.extend(role for role in roles_of(col) if role not in roles)
            model.dataChanged.emit(model.index(first, left), model.index(last, right), roles)
