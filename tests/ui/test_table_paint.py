"""A changed cell repaints its table alone, not the widgets behind it (issue 11, UI-thread
time per redraw), in either theme: the themes' style sheets give the tables a background,
which left Qt counting their viewports as transparent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from monitor.ui.keyed_table import KeyedTableModel, RenderedRow
from monitor.ui.table_view import SortProxy, sortable_view
from monitor.ui.theme import apply_theme
from tests.ui.event_counter import EventCounter


def _row(key: str, price: float) -> RenderedRow:
    return RenderedRow(key, (key, f"{price:,.2f}"), (key, price))


@pytest.fixture
def app() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet = app.styleSheet()
    yield app
    app.setStyleSheet(sheet)  # the other tests' look, as it was


def test_a_changed_cell_repaints_the_table_alone_in_either_theme(
    qtbot: Any, app: QApplication
) -> None:
    pane = QWidget()  # what lies behind the table, as the window's panes do
    model = KeyedTableModel(("Name", "Price"), pane)  # gone with the pane, not before
    model.update_rows([_row(f"r{i}", 100.0 + i) for i in range(5)])
    proxy = SortProxy(model)
    proxy.setParent(pane)
    view = sortable_view(proxy)
    QVBoxLayout(pane).addWidget(view)
    qtbot.addWidget(pane)
    pane.resize(400, 300)
    apply_theme(app, "light")
    with qtbot.waitExposed(pane):
        pane.show()
    behind, cells = EventCounter(QEvent.Type.Paint), EventCounter(QEvent.Type.Paint)
    pane.installEventFilter(behind)
    view.viewport().installEventFilter(cells)
    for price, theme in ((150.0, "dark"), (160.0, "light")):
        cells.count = 0
        apply_theme(app, theme)  # a theme chosen while the window is open
        qtbot.waitUntil(lambda: cells.count > 0)  # repainted in the new theme
        for _ in range(3):
            QApplication.processEvents()
        behind.count = cells.count = 0
        model.update_rows([_row("r0", price), *(_row(f"r{i}", 100.0 + i) for i in range(1, 5))])
        qtbot.waitUntil(lambda: cells.count > 0)  # the new price drawn ...
        assert behind.count == 0, theme  # ... over the table's own background alone
