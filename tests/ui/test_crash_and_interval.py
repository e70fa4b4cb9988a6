"""The window's Account menu: "Play crash" on a simulated account makes its venue play the demo
crash (issue 11: a new user sees warning, critical and liquidation within a minute); "Refresh
interval" sets how often the account is read, 1-300 s. Real service, venue and widgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog

from monitor.service.demo import play_demo_crash
from monitor.sources.sim.venue import SimVenue
from monitor.store.database import Database
from monitor.ui.app import MainWindow
from tests.service.conftest import wait_for
from tests.ui.conftest import INTERVAL, KEY, UI_BOOK, UI_MARKS, open_window, selected


@pytest.fixture
def crash_window(
    qtbot: Any, db: Database, venue: SimVenue, make_service: Any, tmp_path: Path
) -> MainWindow:
    venue.set_book(KEY, UI_BOOK)
    venue.set_marks(UI_MARKS)
    db.accounts.add(
        "demo", "simulated", venue="binanceusdm", collateral="USDT", settings={"interval": INTERVAL}
    )
    service, recorder = make_service(crash=lambda: play_demo_crash(venue, KEY))
    service.start()
    wait_for(lambda: (a := recorder.latest("demo")) is not None and a.known, timeout=10)
    return open_window(qtbot, service, tmp_path)


def _action(window: MainWindow, text: str) -> Any:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Account")
    menu.aboutToShow.emit()  # as when the trader opens the menu
    return next(a for a in menu.actions() if a.text() == text)


def test_play_crash_starts_the_venues_crash_from_the_menu(
    qtbot: Any, crash_window: MainWindow, venue: SimVenue
) -> None:
    action = _action(crash_window, "Play &crash (simulated account)")
    assert action.isEnabled()
    assert not venue.crash_playing
    action.trigger()
    qtbot.waitUntil(lambda: venue.crash_playing, timeout=5000)
    qtbot.waitUntil(
        lambda: "Crash playing on demo" in crash_window.statusBar().currentMessage(), timeout=5000
    )


def test_play_crash_is_offered_for_simulated_accounts_only(
    qtbot: Any, crash_window: MainWindow, venue: SimVenue
) -> None:
    service = crash_window.hub.service
    manual_id = service.create_manual_account("by hand", 1_000.0, "USDT", None).result(5)
    qtbot.waitUntil(
        lambda: any(a.account_id == manual_id for a in crash_window.presenter.latest.accounts),
        timeout=5000,
    )
    crash_window.presenter.select(manual_id)
    action = _action(crash_window, "Play &crash (simulated account)")
    assert not action.isEnabled()
    # Asked anyway (a script, a stale menu), the service refuses and names the account.
    with pytest.raises(ValueError, match="account 'by hand': only a simulated account"):
        service.play_crash(manual_id).result(5)
    assert not venue.crash_playing


def test_the_refresh_interval_is_set_from_the_window(
    qtbot: Any, crash_window: MainWindow, monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    asked: list[tuple[Any, ...]] = []

    def answer(*args: Any) -> tuple[float, bool]:
        asked.append(args)
        return 7.0, True

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(answer))
    _action(crash_window, "Refresh &interval…").trigger()
    qtbot.waitUntil(lambda: selected(crash_window).interval == 7.0, timeout=5000)
    assert db.accounts.by_name("demo").settings["interval"] == 7.0
    (_parent, title, _label, current, low, high, _decimals) = asked[0]
    assert "demo" in title and (current, low, high) == (INTERVAL, 1.0, 300.0)


def test_an_interval_out_of_range_is_refused_naming_the_account(
    crash_window: MainWindow,
) -> None:
    account_id = selected(crash_window).account_id
    future = crash_window.hub.service.set_interval(account_id, 0.5)
    with pytest.raises(ValueError, match="account 'demo': the refresh interval must be 1 to 300"):
        future.result(5)
