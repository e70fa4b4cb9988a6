"""Layout on the most common laptop screens (issue 13, point 9): at 1280×800 and 1366×768 the
columns that decide survival are on screen without a horizontal scrollbar, more than five
positions fit, and the splitter cannot hide the account list's Health."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QTableView, QToolTip

from monitor.domain.model import Maintenance, Position, Side
from monitor.service.monitor_service import MonitorService
from monitor.ui.accounts_model import HEALTH_COLUMN
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import HEADERS
from tests.ui.conftest import selected

# What a trader must see without scrolling: the brief's list, by title.
SURVIVAL = ("Symbol", "Side", "Size", "Mark", "uPnL", "Liq. price", "Distance")


def on_screen(view: QTableView, column: int) -> bool:
    """The column is shown, wholly inside the viewport, with the view scrolled to its left."""
    header = view.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return (
        not view.isColumnHidden(column)
        and left >= 0
        and left + header.sectionSize(column) <= view.viewport().width()
    )


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_survival_columns_and_more_than_five_rows_fit_a_laptop_screen(
    qtbot: Any, window: MainWindow, service: MonitorService, size: tuple[int, int]
) -> None:
    # A what-if on a held symbol: its liquidation cell is the widest ("before → after").
    held = selected(window)
    whatif = Position(
        "BTC/USDT:USDT", Side.LONG, 0.5, 61_000, 61_000, Maintenance.flat(0.004), hypothetical=True
    )
    service.save_position(held.account_id, whatif).result(5)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == 4)
    window.resize(*size)
    view = window.positions_view
    columns = [HEADERS.index(title) for title in SURVIVAL]
    qtbot.waitUntil(lambda: window.width() == size[0] and all(on_screen(view, c) for c in columns))
    # Once laid out at this size: nothing to scroll to, so no horizontal scrollbar.
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0)
    assert all(on_screen(view, c) for c in columns)
    # Every figure readable: no survival column narrower than its content.
    for c in columns:
        assert view.horizontalHeader().sectionSize(c) >= view.sizeHintForColumn(c)
    # More than five positions fit in the table as the window opens.
    assert view.viewport().height() // view.rowHeight(0) > 5


def test_the_splitter_cannot_hide_the_account_lists_health(qtbot: Any, window: MainWindow) -> None:
    window.resize(1280, 800)
    splitter = window.splitters["main"]
    accounts = window.accounts_view
    qtbot.waitUntil(lambda: on_screen(accounts, HEALTH_COLUMN))
    # Drag the splitter all the way left, as far as it goes.
    total = sum(splitter.sizes())
    splitter.setSizes([0, total])
    assert splitter.sizes()[0] > 0  # not collapsed
    assert on_screen(accounts, HEALTH_COLUMN)
    # As far as a drag of the handle goes, too.
    handle = splitter.handle(1)
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton)
    qtbot.mouseMove(handle, handle.rect().center() - QPoint(600, 0))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton)
    assert on_screen(accounts, HEALTH_COLUMN)
    assert splitter.sizes()[0] > 0


def test_a_rows_tooltip_lists_what_its_hidden_columns_hold(qtbot: Any, window: MainWindow) -> None:
    window.resize(1280, 800)
    view = window.positions_view
    entry = HEADERS.index("Entry")
    qtbot.waitUntil(lambda: window.width() == 1280 and view.isColumnHidden(entry))
    proxy = view.model()
    (row,) = [r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "BTCUSDT"]
    rect = view.visualRect(proxy.index(row, 0))
    pos = rect.center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: "not shown at this width" in QToolTip.text())
    text = QToolTip.text()
    assert "Entry 62,500.0" in text  # UI_BOOK's BTC entry
    assert "BTC/USDT:USDT" in text  # the cell's own tooltip first: the unified symbol
    QToolTip.hideText()


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_every_header_figure_is_read_whole_on_a_laptop_screen(
    qtbot: Any, window: MainWindow, service: MonitorService, size: tuple[int, int]
) -> None:
    # A long-only book: no rise liquidates it, the longest words the move-up figure can say
    # (it read "none within +100(" under the Available figure at 1280).
    # With leverage set, Available shows beside it, negative: the widest figures there are.
    account_id = service.create_manual_account("longs", 2_000, "USDT", None).result(5)
    for symbol, price in (("BTC/USDT:USDT", 60_000.0), ("ETH/USDT:USDT", 3_000.0)):
        held = Position(
            symbol, Side.LONG, 20_000 / price, price, price * 0.99, Maintenance.flat(0.005),
            leverage=5.0,
        )  # fmt: skip
        service.save_position(account_id, held).result(5)
    window.presenter.select(account_id)
    header = window.header
    qtbot.waitUntil(lambda: header.move_up.text() not in ("", "—") and header.available.isVisible())
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    # The account list as wide as the README's screenshots have it (names and venues whole).
    window.splitters["main"].setSizes([470, size[0] - 470])
    qtbot.waitUntil(lambda: window.splitters["main"].sizes()[0] == 470)
    figures = (
        header.margin_balance, header.maintenance, header.exchange_maintenance,
        header.move_down, header.move_up, header.available,
    )  # fmt: skip
    for label in figures:
        if label.isVisible():
            text_width = label.fontMetrics().horizontalAdvance(label.text())
            assert text_width <= label.width(), (label.text(), text_width, label.width())
    assert header.move_up.text() == "none" and "+1000 %" in header.move_up.toolTip()
