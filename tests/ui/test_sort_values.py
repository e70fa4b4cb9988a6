"""Sort values kept current only for the column the view sorts by (issue 11: a tick writes
half the cells it did, and its new texts elsewhere give the sort proxy nothing to re-sort); a
sort by another column still sorts by that column's newest values."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from monitor.ui.keyed_table import SORT_ROLE, KeyedTableModel, RenderedRow
from monitor.ui.table_view import SortProxy, sortable_view

HEADERS = ("Name", "Price", "Move")


def _row(key: str, price: float, move: float) -> RenderedRow:
    return RenderedRow(key, (key, f"{price:,.2f}", f"{move:.1f} %"), (key, price, move))


def _names(proxy: SortProxy) -> list[str]:
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_a_tick_announces_texts_outside_the_sorted_column_without_the_sort_role(
    qtbot: Any,
) -> None:
    model = KeyedTableModel(HEADERS)
    model.update_rows([_row(f"r{i}", 100.0 + i, float(i)) for i in range(5)])
    view = sortable_view(SortProxy(model))
    qtbot.addWidget(view)
    view.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by move
    roles: list[tuple[int, list[int]]] = []  # (first column, roles) of each signal

    def seen(first: QModelIndex, last: QModelIndex, changed: list[int]) -> None:
        columns = range(first.column(), last.column() + 1)
        roles.extend((c, [int(r) for r in changed]) for c in columns)

    model.dataChanged.connect(seen)
    display, sort = int(Qt.ItemDataRole.DisplayRole), int(SORT_ROLE)
    # Every price changes, no move: the texts alone, nothing for the proxy to re-sort.
    model.update_rows([_row(f"r{i}", 200.0 + i, float(i)) for i in range(5)])
    assert {c for c, _ in roles} == {1}
    assert all(r == [display] for _, r in roles)
    assert _names(view.model()) == ["r0", "r1", "r2", "r3", "r4"]
    # Every price and every move changes: announced together (one rectangle, cell_changes),
    # with the sort role, as the moves need.
    roles.clear()
    model.update_rows([_row(f"r{i}", 300.0 + i, 10.0 - i) for i in range(5)])
    assert {c for c, _ in roles} == {1, 2}
    assert all(display in r and sort in r for _, r in roles)
    # The sorted column's new values re-sorted the rows (moves 10, 9, … 6: r4 first).
    assert _names(view.model()) == ["r4", "r3", "r2", "r1", "r0"]


def test_a_sort_by_another_column_sorts_by_its_newest_values(qtbot: Any) -> None:
    model = KeyedTableModel(HEADERS)
    model.update_rows([_row(f"r{i}", 100.0 + i, float(i)) for i in range(5)])
    proxy = SortProxy(model)
    view = sortable_view(proxy)
    qtbot.addWidget(view)
    view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    # Prices reversed over three ticks while the view sorts by move: r0 dearest at the end.
    for tick in range(3):
        model.update_rows([_row(f"r{i}", 100.0 + (tick + 1) * (10 - 3 * i), i) for i in range(5)])
    assert _names(proxy) == ["r0", "r1", "r2", "r3", "r4"]  # by move, as before
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by price: 100 + 3 × (10 − 3i)
    assert _names(proxy) == ["r4", "r3", "r2", "r1", "r0"]
    assert model.index(0, 1).data(SORT_ROLE) == 130.0  # written when the sort asked for it
    # And kept current from then on: the cheapest becomes the dearest.
    model.update_rows([*(_row(f"r{i}", 130.0 - 9 * i, i) for i in range(4)), _row("r4", 500.0, 4)])
    assert _names(proxy)[-1] == "r4"
