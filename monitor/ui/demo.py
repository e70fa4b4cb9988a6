"""The simulated demo in the window: the first-run chooser (an empty database opens on it, never
on a demo made silently) and the one-click removal (Account ▸ Remove demo, or the account
list's context menu; confirmed; the service stops the simulated venue with it)."""

from __future__ import annotations

import time
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor.service.api import ServiceEvent
from monitor.service.snapshot import AccountSnapshot
from monitor.ui.hub import failure
from monitor.ui.keyed_table import KEY_ROLE

if TYPE_CHECKING:
    from monitor.ui.app import MainWindow

FIRST_RUN_TEXT = (
    "No accounts yet. Open the simulated demo (a venue on this computer, no keys; labelled "
    "SIMULATED everywhere), add an exchange account (read-only API keys), or add a manual "
    "account (positions you type in)."
)


class FirstRunChooser(QFrame):
    """Three choices where the account's figures will be."""

    open_demo = Signal()
    add_exchange = Signal()
    add_manual = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        text = QLabel(FIRST_RUN_TEXT)
        text.setWordWrap(True)
        self.demo_button = QPushButton("Open the simulated demo")
        self.exchange_button = QPushButton("Add an exchange account…")
        self.manual_button = QPushButton("Add a manual account…")
        self.demo_button.clicked.connect(self.open_demo)
        self.exchange_button.clicked.connect(self.add_exchange)
        self.manual_button.clicked.connect(self.add_manual)
        buttons = QHBoxLayout()
        for button in (self.demo_button, self.exchange_button, self.manual_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(text)
        layout.addLayout(buttons)


def _simulated(window: MainWindow, account_id: int | None = None) -> AccountSnapshot | None:
    """`account_id`'s snapshot if it is simulated; without one, the selected account if it is
    simulated, else the first simulated account."""
    latest = window.presenter.latest
    accounts = latest.accounts if latest is not None else ()
    if account_id is not None:
        return next((a for a in accounts if a.account_id == account_id and a.simulated), None)
    selected = window.presenter.selected()
    if selected is not None and selected.simulated:
        return selected
    return next((a for a in accounts if a.simulated), None)


class DemoControls:
    """Wires the chooser, the menu action and the context menu to the service's demo
    commands (errors reach the status bar and alerts panel through Commands)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        c = window.commands
        chooser = window.header.first_run
        chooser.open_demo.connect(self.open_demo)
        chooser.add_exchange.connect(c.add_exchange_account)
        chooser.add_manual.connect(c.new_manual_account)
        account_menu = next(
            a.menu() for a in window.menuBar().actions() if a.text() == "&Account" and a.menu()
        )
        assert isinstance(account_menu, QMenu)
        account_menu.addSeparator()
        self.open_action = account_menu.addAction("&Open simulated demo", self.open_demo)
        self.remove_action = account_menu.addAction("Remove &demo (simulated)…", self.remove_demo)
        view = window.accounts_view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        self.confirm = _confirm  # replaced in tests, which cannot click a modal box

    def open_demo(self) -> None:
        def opened(future: Future[Any]) -> None:
            if self._reported("opening the simulated demo", future):
                self.window.presenter.select(future.result())

        self.window.hub.when_done(self.window.hub.service.open_demo(), opened)

    def _reported(self, what: str, future: Future[Any]) -> bool:
        """True if `future` succeeded; else its failure goes to the status bar and the alerts
        panel, like every other command's."""
        reason = failure(future)
        if reason is None:
            return True
        self.window.hub.event_received.emit(
            ServiceEvent("command_error", None, f"{what} failed: {reason}", time.time())
        )
        return False

    def remove_demo(self, account_id: int | None = None) -> None:
        snap = _simulated(self.window, account_id)
        if snap is None:
            self.window.statusBar().showMessage("There is no simulated demo to remove.", 8000)
            return
        if not self.confirm(self.window, snap):
            return

        def removed(future: Future[Any]) -> None:
            self._reported("removing the simulated demo", future)

        self.window.hub.when_done(self.window.hub.service.remove_demo(snap.account_id), removed)

    def _context_menu(self, at: QPoint) -> None:
        view = self.window.accounts_view
        index = view.indexAt(at)
        account_id = index.data(KEY_ROLE) if index.isValid() else None
        menu = self.context_menu(account_id)
        if not menu.isEmpty():
            menu.exec(view.viewport().mapToGlobal(at))

    def context_menu(self, account_id: int | None) -> QMenu:
        """The account list's menu for the row of `account_id` (None: empty space)."""
        menu = QMenu(self.window.accounts_view)
        if account_id is not None and _simulated(self.window, account_id) is not None:
            menu.addAction("Remove demo (simulated)…", lambda: self.remove_demo(account_id))
        elif account_id is None and _simulated(self.window) is None:
            menu.addAction("Open simulated demo", self.open_demo)
        return menu


def _confirm(parent: QWidget, snap: AccountSnapshot) -> bool:
    answer = QMessageBox.question(
        parent,
        "Remove demo",
        f"Remove {snap.label}, its positions and history, and stop the simulated venue?",
    )
    return answer == QMessageBox.StandardButton.Yes
