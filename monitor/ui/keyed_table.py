"""A table model of rows identified by key, updated in place.

Each update renders every row to plain values once; only the cells whose rendering changed are
announced (a `dataChanged` per run of changed columns of a row), so views keep selection and
scroll, and repaint only what changed.
Rows that appear or disappear go through begin/endInsertRows and begin/endRemoveRows.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2

_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole,
    SORT_ROLE,
]

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class RenderedRow:
    key: Hashable
    display: tuple[str, ...]
    sort: tuple[Any, ...]  # per column; numbers sort as numbers, None (unknown) sorts last
    foreground: str = ""  # colour name; "" = the style's default
    background: str = ""
    tooltip: str = ""
    italic: bool = False
    cell_foreground: tuple[tuple[int, str], ...] = ()  # per-column overrides


class KeyedTableModel(QAbstractTableModel):
    def __init__(
        self,
        headers: Sequence[str],
        parent: Any = None,
        tooltips: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._header_tips = dict(tooltips or {})
        self._rows: list[RenderedRow] = []
        self._brushes: dict[str, QBrush] = {}
        self._italic = QFont()
        self._italic.setItalic(True)

    # ---- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self._headers)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips.get(self._headers[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, col = self._rows[index.row()], index.column()
        if not (0 <= col < len(self._headers)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.display[col]
        if role == SORT_ROLE:
            value = row.sort[col]
            # None (unknown) sorts after every number in ascending order.
            return float("inf") if value is None else value
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = dict(row.cell_foreground).get(col) or row.foreground
            return self._brush(colour) if colour else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brush(row.background) if row.background else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if row.italic else None
        if role == KEY_ROLE:
            return row.key
        return None

    def _brush(self, colour: str) -> QBrush:
        brush = self._brushes.get(colour)
        if brush is None:
            brush = self._brushes[colour] = QBrush(QColor(colour))
        return brush

    # ---- updates --------------------------------------------------------------------------
    def row(self, i: int) -> RenderedRow:
        return self._rows[i]

    def keys(self) -> list[Hashable]:
        return [r.key for r in self._rows]

    def replace_all(self, rows: Sequence[RenderedRow]) -> None:
        """The whole dataset changed (another account): the one case for a reset."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_rows(self, rows: Sequence[RenderedRow]) -> int:
        """Bring the model to `rows` (order of existing rows kept); returns rows changed."""
        wanted = {r.key: r for r in rows}
        self._remove_missing(wanted)
        changed = self._update_existing(wanted)
        present = {r.key for r in self._rows}
        new = [r for r in rows if r.key not in present]
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()
        return changed + len(new)

    def _remove_missing(self, wanted: dict[Hashable, RenderedRow]) -> None:
        i = len(self._rows) - 1
        while i >= 0:  # bottom-up, one call per contiguous block
            if self._rows[i].key in wanted:
                i -= 1
                continue
            last = i
            while i >= 0 and self._rows[i].key not in wanted:
                i -= 1
            self.beginRemoveRows(QModelIndex(), i + 1, last)
            del self._rows[i + 1 : last + 1]
            self.endRemoveRows()

    def _update_existing(self, wanted: dict[Hashable, RenderedRow]) -> int:
        """Announce only the cells that changed: a view repaints what is announced, and on
        a refresh most columns (symbol, side, size, entry) stay as they were."""
        changed = 0
        for i, old in enumerate(self._rows):
            new = wanted[old.key]
            if new == old:
                continue
            self._rows[i] = new
            changed += 1
            for first, last in _changed_columns(old, new):
                self._emit_changed(i, i, first, last)
        return changed

    def _emit_changed(self, first: int, last: int, first_col: int, last_col: int) -> None:
        self.dataChanged.emit(self.index(first, first_col), self.index(last, last_col), _ROLES)


def _changed_columns(old: RenderedRow, new: RenderedRow) -> list[tuple[int, int]]:
    """Runs of columns (first, last) whose cells differ; the whole row when a row-wide look
    (colours, tooltip, font) changed."""
    width = len(new.display)
    whole = (
        old.foreground != new.foreground
        or old.background != new.background
        or old.tooltip != new.tooltip
        or old.italic != new.italic
        or old.cell_foreground != new.cell_foreground
        or len(old.display) != width
    )
    if whole:
        return [(0, width - 1)]
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for col in range(width):
        differs = old.display[col] != new.display[col] or old.sort[col] != new.sort[col]
        if differs and start is None:
            start = col
        elif not differs and start is not None:
            runs.append((start, col - 1))
            start = None
    if start is not None:
        runs.append((start, width - 1))
    return runs
