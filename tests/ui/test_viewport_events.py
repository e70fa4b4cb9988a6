"""Redraw cost (issue 11): a table's viewport events (a repaint of its changed cells at every
refresh) reach no Python; the columns are still fitted again when the viewport takes a new size,
and a row still tells what its hidden columns hold."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from monitor.ui.column_fit import ColumnFit
from monitor.ui.keyed_table import KeyedTableModel
from monitor.ui.rendered_row import RenderedRow
from monitor.ui.table_view import SortProxy, sortable_view

HEADERS = ("Symbol", "Mark", "Distance", "Entry", "Notional")


def _row(key: str, mark: float) -> RenderedRow:
    texts = (key, f"{mark:,.1f}", f"{mark / 100:.1f} %", "62,850.0", "125,700.0")
    return RenderedRow(key, texts, (key, mark, mark / 100, 62850.0, 125700.0))


def test_a_refresh_repaints_its_cells_without_python_on_the_viewports_events(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[QEvent.Type] = []

    def counting(self: QObject, watched: QObject, event: QEvent) -> bool:
        seen.append(event.type())
        return False

    # Any event filter the columns' fitter puts on the viewport is Python: counted here.
    monkeypatch.setattr(ColumnFit, "eventFilter", counting, raising=False)
    model = KeyedTableModel(HEADERS)
    view = sortable_view(SortProxy(model))
    qtbot.addWidget(view)
    fit = ColumnFit(view, keys=(0, 1, 2), drop_order=(4, 3))
    model.update_rows([_row(f"C{i:02d}", 1000.0 + i) for i in range(10)])
    view.resize(900, 300)
    with qtbot.waitExposed(view):
        view.show()
    qtbot.waitUntil(lambda: not fit.dropped and view.columnWidth(4) > 0)
    seen.clear()
    model.update_rows([_row(f"C{i:02d}", 1001.5 + i) for i in range(10)])
    QApplication.processEvents()  # the changed cells painted
    assert seen == []
    # Narrower: the least needed columns are hidden (the fitter is told of the new size) ...
    view.resize(260, 300)
    qtbot.waitUntil(lambda: fit.dropped == {4, 3} or fit.dropped == {4})
    hidden = sorted(fit.dropped)
    assert all(view.isColumnHidden(c) for c in hidden)
    # ... and a row's tooltip tells what they hold.
    pos = view.visualRect(view.model().index(0, 0)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: "not shown at this width" in QToolTip.text())
    assert "Notional 125,700.0" in QToolTip.text()
    QToolTip.hideText()
    assert seen == []  # resize and tooltip told without a filter on the viewport
