"""The main window's menu bar: File, Account and View, their actions and what each one calls.

The window keeps the layout and the slots that act on its own state (the table's selection,
the theme, the mute setting); this module only builds the menus and wires them to those slots
and to the commands."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from monitor.ui.probability_alert_ask import ask_probability_alert

if TYPE_CHECKING:  # the window imports this module
    from monitor.ui.app import MainWindow

THEMES = ("dark", "light")


def _open_crash_replay(window: MainWindow) -> None:
    # Imported when asked for: the replay brings ccxt and pyqtgraph, seconds at the start.
    from monitor.ui.crash_replay_dialog import open_crash_replay

    open_crash_replay(window.hub, window.presenter.selected, window)


class MainMenu:
    """Builds `window`'s menu bar; holds the actions whose state changes after construction."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._build_file()
        self._build_account()
        self._build_view()

    def _build_file(self) -> None:
        w, c = self.window, self.window.commands
        file_menu = w.menuBar().addMenu("&File")
        file_menu.addAction("&Import portfolio…", lambda: c.import_file())
        file_menu.addAction("&Export portfolio…", lambda: c.export_file())
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, w.close)

    def _build_account(self) -> None:
        w, c = self.window, self.window.commands
        account = w.menuBar().addMenu("&Account")
        account.addAction("New &manual account…", c.new_manual_account)
        account.addAction("Add &exchange account…", c.add_exchange_account)
        account.addAction("E&dit exchange account…", c.edit_exchange_account)
        account.addAction("Alert &thresholds…", c.edit_thresholds)
        account.addAction("Refresh &interval…", c.edit_interval)
        account.addAction("&Remove account…", c.remove_account)
        account.addSeparator()
        account.addAction("Add &position…", lambda: c.edit_position(False))
        account.addAction("Add &what-if…", lambda: c.edit_position(True))
        account.addAction("&Edit selected position…", w.edit_selected_position)
        account.addAction("&Delete selected position", w.delete_selected_position)
        account.addSeparator()
        account.addAction("Re&fresh", QKeySequence.StandardKey.Refresh, c.refresh)
        self.crash_action = account.addAction("Play &crash (simulated account)", c.play_crash)
        self.marks_action = account.addAction("Refresh &marks from the venue", c.refresh_marks)
        account.addAction("Crash re&play…", partial(_open_crash_replay, w))
        account.addAction(
            "Probability &alert…", lambda: ask_probability_alert(w.hub, w.presenter, w)
        )
        account.aboutToShow.connect(self.enable_account_actions)

    def _build_view(self) -> None:
        w = self.window
        view = w.menuBar().addMenu("&View")
        group = QActionGroup(w)
        self.theme_actions: dict[str, QAction] = {}
        for name in THEMES:
            action = QAction(f"{name.title()} theme", w, checkable=True)
            action.triggered.connect(partial(w.set_theme, name))
            view.addAction(action)
            group.addAction(action)
            self.theme_actions[name] = action
        view.addSeparator()
        self.mute_action = QAction("&Mute alert sounds", w, checkable=True)
        self.mute_action.setChecked(w.sounds.muted)
        self.mute_action.toggled.connect(w.set_muted)
        view.addAction(self.mute_action)

    def enable_account_actions(self) -> None:
        """As the Account menu opens: the actions that fit only the selected account."""
        selected = self.window.presenter.selected()
        self.crash_action.setEnabled(selected is not None and selected.kind == "simulated")
        venue = selected.marks_venue if selected is not None else None  # manual accounts only
        self.marks_action.setEnabled(venue is not None)
        self.marks_action.setText(f"Refresh &marks from {venue or 'the venue'}")
