"""The Alerts tab's Kind column names what happened (warning, critical, source error…), not
"alert" for every row: on the real service and venue, then for every kind the engine has."""

from __future__ import annotations

from typing import Any

from monitor.domain.alert_model import AlertEvent, EventKind
from monitor.domain.report import Level
from monitor.service.api import ServiceEvent
from monitor.ui.alerts_panel import HEADERS, AlertsModel
from monitor.ui.app import MainWindow
from tests.ui.conftest import KEY, Rig

KIND = HEADERS.index("Kind")


def _kinds(window: MainWindow) -> list[str]:
    model = window.alerts.model
    return [model.index(row, KIND).data() for row in range(model.rowCount())]


def test_the_kind_column_names_the_level_and_the_source_error(
    qtbot: Any, window: MainWindow, rig: Rig
) -> None:
    # The demo's thresholds (the app's defaults): warning below 2.0, critical below 1.25.
    rig.venue.shift_all(rig.venue.factor_for_health(KEY, 1.9))
    qtbot.waitUntil(lambda: _kinds(window) == ["warning"], timeout=5000)
    rig.venue.shift_all(rig.venue.factor_for_health(KEY, 1.2))
    qtbot.waitUntil(lambda: _kinds(window) == ["warning", "critical"], timeout=5000)
    rig.venue.faults.set("server_error", 502, api_key=KEY)
    qtbot.waitUntil(lambda: "source error" in _kinds(window), timeout=5000)


def test_every_kind_of_alert_has_its_own_words(qtbot: Any) -> None:
    model = AlertsModel()
    # A level event reads as its level; every other kind in words of its own.
    levels = [(EventKind.RAISED, level) for level in (Level.WARNING, Level.CRITICAL)]
    levels.append((EventKind.ESCALATED, Level.LIQUIDATION))
    others = [(kind, Level.WARNING) for kind in EventKind if kind not in (EventKind.RAISED,)]
    others = [(k, lvl) for k, lvl in others if k is not EventKind.ESCALATED]
    for i, (kind, level) in enumerate(levels + others):
        alert = AlertEvent(kind, "7", "7", level, f"{kind} message", float(i), False)
        model.add(ServiceEvent("alert", 7, alert.message, alert.at, alert, i))
    model.add(ServiceEvent("command_error", None, "import failed: bad file", 99.0))
    words = [model.index(row, KIND).data() for row in range(model.rowCount())]
    assert words[:3] == ["warning", "critical", "liquidation"]
    assert words[-1] == "command error"
    assert "alert" not in words and all(words)
    assert len(set(words[3:-1])) == len(others)  # no two kinds read alike
    assert all("_" not in w for w in words)  # words, not identifiers
