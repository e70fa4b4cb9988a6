"""The account list's columns fit its pane: at 1280×800 the Data column (how old the figures
are, or why they fail) is on screen, not behind a horizontal scrollbar, beside the names; the
venue is shown whole or not at all (never "simul…"); narrowed as far as the splitter goes,
Health and Data still are; widened again, names and venues read whole."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from monitor.service.monitor_service import MonitorService
from monitor.ui.accounts_model import HEADERS
from monitor.ui.app import MainWindow
from tests.ui.conftest import Rig
from tests.ui.test_layout import on_screen

NAME = HEADERS.index("Account")
VENUE = HEADERS.index("Venue")
HEALTH = HEADERS.index("Health")
DATA = HEADERS.index("Data")
NAME_ROOM = (
    120  # px: a name cut shorter than this ("binance-sub-acc…") tells accounts apart no more
)


def _all_on_screen(window: MainWindow, columns: range | tuple[int, ...]) -> bool:
    view = window.accounts_view
    return view.horizontalScrollBar().maximum() == 0 and all(on_screen(view, c) for c in columns)


def _two_accounts(qtbot: Any, window: MainWindow, service: MonitorService) -> None:
    # Beside the demo ("[SIMULATED] demo", "simulated binanceusdm"), a manual book.
    service.create_manual_account("swing-book-long-name", 3_000, "USDT", "bybit").result(5)
    qtbot.waitUntil(lambda: window.accounts_model.rowCount() == 2)


def test_every_column_of_the_account_list_is_on_screen_at_1280x800(
    qtbot: Any, window: MainWindow, service: MonitorService
) -> None:
    _two_accounts(qtbot, window, service)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.waitUntil(lambda: _all_on_screen(window, (NAME, HEALTH, DATA)))
    _read_whole_or_hidden(window)


def _read_whole_or_hidden(window: MainWindow) -> None:
    view = window.accounts_view
    header = view.horizontalHeader()
    # The figures' age and the health read whole: at least as wide as their content.
    for column in (HEALTH, DATA):
        assert header.sectionSize(column) >= view.sizeHintForColumn(column)
    # The name whole up to NAME_ROOM; the venue whole, or hidden.
    assert header.sectionSize(NAME) >= min(NAME_ROOM, view.sizeHintForColumn(NAME))
    if not view.isColumnHidden(VENUE):
        assert on_screen(view, VENUE)
        assert header.sectionSize(VENUE) >= view.sizeHintForColumn(VENUE)


def test_narrowed_as_far_as_it_goes_health_and_data_stay_on_screen(
    qtbot: Any, window: MainWindow, service: MonitorService
) -> None:
    _two_accounts(qtbot, window, service)
    window.resize(1280, 800)
    splitter = window.splitters["main"]
    splitter.setSizes([0, sum(splitter.sizes())])
    assert splitter.sizes()[0] > 0  # not collapsed
    qtbot.waitUntil(lambda: _all_on_screen(window, (NAME, HEALTH, DATA)))
    _read_whole_or_hidden(window)


def test_a_list_widened_again_shows_names_and_venues_whole(
    qtbot: Any, window: MainWindow, service: MonitorService
) -> None:
    _two_accounts(qtbot, window, service)
    window.resize(1280, 800)
    splitter = window.splitters["main"]
    splitter.setSizes([0, 1280])
    qtbot.waitUntil(lambda: _all_on_screen(window, (NAME, HEALTH, DATA)))
    splitter.setSizes([700, 580])
    view = window.accounts_view

    def whole() -> bool:
        header = view.horizontalHeader()
        return _all_on_screen(window, range(len(HEADERS))) and all(
            header.sectionSize(c) >= view.sizeHintForColumn(c) for c in range(len(HEADERS))
        )

    qtbot.waitUntil(whole)


def test_the_account_pane_keeps_its_width_when_the_health_reaches_liquidation(
    qtbot: Any, window: MainWindow, service: MonitorService, rig: Rig
) -> None:
    """Seen in the demo crash: the Health cell grew from "2.33 critical" to "0.66 liquidation"
    and the pane widened 327 -> 347 px, moving the header and the table 20 px at the moment
    of liquidation. The widest level word has its room from the start."""
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.waitUntil(lambda: window.accounts_model.rowCount() == 1)
    qtbot.waitUntil(lambda: "liquidation" not in _health_text(window))
    pane = window.splitters["main"].sizes()[0]
    rig.move_price("BTC/USDT:USDT", 0.4)  # the demo is long 1.2 BTC on a ~10,400 USDT pool
    service.refresh(None)
    qtbot.waitUntil(lambda: "liquidation" in _health_text(window), timeout=10_000)
    QApplication.processEvents()  # the column fit and the splitter's layout after the text
    assert window.splitters["main"].sizes()[0] == pane
    view = window.accounts_view
    assert view.horizontalHeader().sectionSize(HEALTH) >= view.sizeHintForColumn(HEALTH)


def _health_text(window: MainWindow) -> str:
    return str(window.accounts_model.index(0, HEALTH).data())
