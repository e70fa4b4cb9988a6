"""Account > Probability alert…: the selected account's threshold for the probability of
liquidation within 24 h, asked in percent (0: off), shown at its stored value, stored in the
account's settings through the service — where the risk job reads it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog

from monitor.store.database import Database
from monitor.ui.app import MainWindow


def _trigger(window: MainWindow) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Account")
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == "Probability &alert…").trigger()


def test_the_probability_alert_is_set_and_cleared_from_the_window(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    asked: list[tuple[Any, ...]] = []
    answers = [(12.5, True), (0.0, True)]

    def answer(*args: Any) -> tuple[float, bool]:
        asked.append(args)
        return answers[len(asked) - 1]

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(answer))

    def stored() -> Any:
        return db.accounts.by_name("demo").settings.get("probability_alert")

    _trigger(window)
    qtbot.waitUntil(lambda: stored() == 0.125, timeout=5000)
    (_parent, title, label, current, low, high, _decimals) = asked[0]
    assert "demo" in title and "24 h" in label and "0 = off" in label
    assert (current, low, high) == (0.0, 0.0, 100.0)  # off by default
    _trigger(window)
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=5000)
    assert asked[1][3] == 12.5  # the stored value is what the trader starts from
    qtbot.waitUntil(lambda: stored() is None, timeout=5000)


def test_a_bad_threshold_is_refused_naming_the_account(window: MainWindow) -> None:
    account_id = window.presenter.selected().account_id
    future = window.hub.service.set_probability_alert(account_id, 1.5)
    with pytest.raises(ValueError, match="account 'demo': the probability alert must be"):
        future.result(5)
