"""Columns that stay on screen in a narrow window (a 1280×800 or 1366×768 laptop).

- ColumnFit: a table's key columns are never behind a horizontal scrollbar. When the viewport
  is narrower than every column at its content's width, the other columns are hidden, the
  least needed first, and shown again when there is room. A row's tooltip lists what its
  hidden columns hold (read when asked: nothing is kept up to date for it).
(The account list's columns: account_columns.py.)
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer

from monitor.ui.table_view import SortAwareView


class FittedColumns(QObject):
    """A view's columns fitted again (`fit`, the subclass's) when rows come or go, and when its
    viewport takes a new size (`resized`)."""

    def __init__(self, view: SortAwareView) -> None:
        super().__init__(view)
        self.view = view
        self._fitting = False
        # Once the event loop is back: the view has laid out its rows and scrollbars.
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self.fit)
        view.viewport_resized.connect(self.resized)
        model = view.model()
        for signal in (model.rowsInserted, model.modelReset, model.rowsRemoved):
            signal.connect(self._later.start)

    def fit(self) -> None:
        raise NotImplementedError

    def resized(self) -> None:
        self._later.start()

    def natural(self, column: int) -> int:
        """The column's width at its content (and its title)."""
        header = self.view.horizontalHeader()
        return max(self.view.sizeHintForColumn(column), header.sectionSizeHint(column))


class ColumnFit(FittedColumns):
    def __init__(self, view: SortAwareView, keys: Sequence[int], drop_order: Sequence[int]) -> None:
        self.keys = tuple(keys)
        self.drop_order = tuple(drop_order)  # the first hidden first
        self._off: set[int] = set()  # hidden whatever the room (the Pool column of one pool)
        self.dropped: set[int] = set()  # hidden for want of room
        super().__init__(view)
        view.row_tip = self.row_tip

    def set_off(self, column: int, off: bool) -> None:
        """Keep `column` hidden (off) or let it be shown when there is room."""
        if (column in self._off) != off:
            self._off.symmetric_difference_update({column})
            self.fit()

    def fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        view = self.view
        view.setUpdatesEnabled(False)  # one repaint, after the columns are settled
        try:
            count = view.model().columnCount()
            room = view.viewport().width()
            shown = [c for c in range(count) if c not in self._off]
            for column in shown:  # a hidden section's title measures 0: shown to measure
                if view.isColumnHidden(column):
                    view.setColumnHidden(column, False)
            widths = {c: self.natural(c) for c in shown}
            dropped: set[int] = set()
            total = sum(widths.values())
            for column in self.drop_order:
                if total <= room:
                    break
                if column in widths:
                    dropped.add(column)
                    total -= widths[column]
            self.dropped = dropped
            for column in range(count):
                hide = column in self._off or column in dropped
                if view.isColumnHidden(column) != hide:
                    view.setColumnHidden(column, hide)
                if not hide:
                    view.setColumnWidth(column, widths[column])
        finally:
            view.setUpdatesEnabled(True)
            self._fitting = False

    def hidden_text(self, row: int) -> str:
        """What the hidden columns of the view's `row` hold: "Entry 62,850.0 · Lev. 20.6×"."""
        model = self.view.model()
        horizontal = Qt.Orientation.Horizontal
        parts = [
            f"{model.headerData(c, horizontal)} {model.index(row, c).data()}"
            for c in sorted(self.dropped)
        ]
        return " · ".join(parts)

    def row_tip(self, row: int) -> str:
        """The tooltip's line for the view's `row` while columns are hidden ("" if none)."""
        return f"not shown at this width: {self.hidden_text(row)}" if self.dropped else ""
