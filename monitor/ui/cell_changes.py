"""A table model's changed cells, announced in few `dataChanged` signals (KeyedTableModel).

Each signal costs the sort proxy and the view a round of work (the proxy maps the range and
may re-sort it, the view works out a rectangle to repaint), more than repainting a few
unchanged cells from their row's image (row_copies.py). A tick's changes go out in one
rectangle per block of adjacent rows that changed, from the block's leftmost changed column to
its rightmost: typically one a table (every row's mark and the figures it moves). A rectangle
per run of adjacent changed columns was four on the positions table (the venue's own figures
and the entry sit between the figures that move), about 5 % more of the UI thread's
instructions a tick; a rectangle per run of columns whose very same rows changed, some thirty
(12 % more). Every changed cell is announced, once. Unchanged cells are announced only inside
a block, between its changed columns (the same pixels repainted); a row that did not change,
and a column outside them, are not. The roles announced are those of the changed columns: an
unchanged column's sort value did not move, and a sort role announced for it would have the
proxy check its order.
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
    block of adjacent changed rows is announced in one rectangle, from its leftmost changed
    column to its rightmost, with the roles of its changed columns (`roles_of(column)`)."""
    for first, last in blocks(list(changed)):
        if first == last:
            columns: Sequence[int] = changed[first]
        else:
            columns = sorted({c for row in range(first, last + 1) for c in changed[row]})
        roles: list[Any] = []
        for col in columns:
            roles.extend(role for role in roles_of(col) if role not in roles)
        model.dataChanged.emit(
            model.index(first, columns[0]), model.index(last, columns[-1]), roles
        )
