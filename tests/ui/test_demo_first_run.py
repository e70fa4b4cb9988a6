"""The demo is created only by `--demo` or the trader's first-run choice, and removed in one click
(issue 13). The window runs on a real MonitorSession: a tmp_path SQLite file, the simulated
venue on loopback started and stopped by the session, the real ccxt reading it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from monitor.service.session import MonitorSession
from monitor.ui.app import MainWindow
from tests.ui.conftest import FAKE_CATALOG

TAG = "[SIMULATED]"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[MonitorSession]:
    session = MonitorSession(f"sqlite:///{tmp_path / 'first.db'}")  # an empty database
    session.start()
    yield session
    session.stop()


@pytest.fixture
def first_window(qtbot: Any, session: MonitorSession, tmp_path: Path) -> MainWindow:
    window = MainWindow(
        session.service, settings_path=tmp_path / "w.ini", exchange_catalog=lambda: FAKE_CATALOG
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.presenter.latest is not None, timeout=5000)
    return window


def _names(window: MainWindow) -> list[str]:
    model = window.accounts_model
    return [str(model.index(r, 0).data()) for r in range(model.rowCount())]


def _refuses(url: str) -> bool:
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


def _open_demo(qtbot: Any, window: MainWindow, session: MonitorSession) -> int:
    qtbot.mouseClick(window.header.first_run.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _names(window) == [f"{TAG} demo"], timeout=10_000)
    (record,) = session.db.accounts.list()
    assert (record.name, record.kind) == ("demo", "simulated")
    return record.account_id


def test_an_empty_database_offers_a_choice_and_makes_no_demo(
    qtbot: Any, first_window: MainWindow, session: MonitorSession
) -> None:
    window = first_window
    chooser = window.header.first_run
    qtbot.waitUntil(lambda: chooser.isVisible(), timeout=5000)
    assert [b.text() for b in (chooser.demo_button, chooser.exchange_button)] == [
        "Open the simulated demo",
        "Add an exchange account…",
    ]
    assert chooser.manual_button.text() == "Add a manual account…"
    assert not session.db.accounts.list() and session.venue is None  # nothing made silently
    assert _names(window) == [] and window.windowTitle() == "Margin Monitor"

    account_id = _open_demo(qtbot, window, session)
    assert session.venue is not None  # the choice started the simulated venue
    qtbot.waitUntil(
        lambda: (s := window.presenter.selected()) is not None and s.known, timeout=10_000
    )
    assert window.presenter.selected_id == account_id
    assert not chooser.isVisible() and window.header.figures.isVisible()
    assert window.windowTitle() == f"Margin Monitor — {TAG} demo"


def test_the_demo_is_removed_in_one_confirmed_click_and_its_venue_stops(
    qtbot: Any, first_window: MainWindow, session: MonitorSession
) -> None:
    window = first_window
    _open_demo(qtbot, window, session)
    assert session.venue is not None
    url = session.venue.url
    asked: list[str] = []

    def declined(_parent: Any, snap: Any) -> bool:
        asked.append(snap.label)
        return False

    window.demo.confirm = declined
    window.demo.remove_action.trigger()  # Account ▸ Remove demo, declined: nothing happens
    assert asked == [f"{TAG} demo"]
    assert len(session.db.accounts.list()) == 1 and session.venue is not None

    window.demo.confirm = lambda _parent, _snap: True
    window.demo.remove_action.trigger()
    qtbot.waitUntil(lambda: _names(window) == [], timeout=5000)
    assert not session.db.accounts.list()
    # The simulated venue is stopped (on the service thread, after the account is gone).
    qtbot.waitUntil(lambda: session.venue is None and _refuses(url), timeout=5000)
    qtbot.waitUntil(lambda: window.header.first_run.isVisible(), timeout=5000)


def test_the_account_list_context_menu_removes_the_demo(
    qtbot: Any, first_window: MainWindow, session: MonitorSession
) -> None:
    window = first_window
    account_id = _open_demo(qtbot, window, session)
    window.demo.confirm = lambda _parent, _snap: True
    menu = window.demo.context_menu(account_id)
    (action,) = menu.actions()
    assert action.text() == "Remove demo (simulated)…"
    action.trigger()
    qtbot.waitUntil(lambda: _names(window) == [], timeout=5000)
    assert not session.db.accounts.list() and session.venue is None


@pytest.mark.parametrize("demo", [False, True])
def test_the_window_s_start_makes_the_demo_only_with_demo_flag(tmp_path: Path, demo: bool) -> None:
    """What `margin-monitor [--demo]` runs behind the window, on an empty database."""
    from monitor.commands.gui import Starter
    from monitor.service.deferred import DeferredService
    from tests.service.conftest import wait_for

    starter = Starter(DeferredService(), f"sqlite:///{tmp_path / 'gui.db'}", demo=demo)
    starter.start()
    try:
        wait_for(lambda: starter.sessions, timeout=30)
        (session,) = starter.sessions
        made = [(a.name, a.kind) for a in session.db.accounts.list()]
        assert made == ([("demo", "simulated")] if demo else [])
        assert (session.venue is not None) is demo  # no simulated venue without the demo
    finally:
        starter.stop()


def test_the_other_two_choices_open_their_dialogs_and_make_no_demo(
    qtbot: Any, first_window: MainWindow, session: MonitorSession, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QApplication, QDialog

    from monitor.ui.account_dialog import ManualAccountDialog
    from monitor.ui.exchange_dialog import ExchangeDialog

    window = first_window
    opened: list[str] = []

    def manual_typed(dialog: ManualAccountDialog) -> QDialog.DialogCode:
        opened.append("manual")
        dialog.name.setText("swing")
        dialog.wallet.setText("2500")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ManualAccountDialog, "exec", manual_typed)
    chooser = window.header.first_run
    qtbot.waitUntil(lambda: chooser.isVisible(), timeout=5000)
    qtbot.mouseClick(chooser.exchange_button, Qt.MouseButton.LeftButton)

    def exchange_dialogs() -> list[ExchangeDialog]:  # it opens without blocking (open())
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, ExchangeDialog)]

    qtbot.waitUntil(lambda: any(d.isVisible() for d in exchange_dialogs()), timeout=5000)
    opened.append("exchange")
    for dialog in exchange_dialogs():
        dialog.reject()  # cancelled
    assert not session.db.accounts.list()
    qtbot.mouseClick(chooser.manual_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _names(window) == ["swing"], timeout=5000)
    assert opened == ["exchange", "manual"]
    assert [(a.name, a.kind) for a in session.db.accounts.list()] == [("swing", "manual")]
    assert session.venue is None  # no simulated venue for a manual account
    qtbot.waitUntil(lambda: not chooser.isVisible(), timeout=5000)
