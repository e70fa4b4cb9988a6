"""Every table model passes qtmodeltester, before and after live updates (real service)."""

from __future__ import annotations

from typing import Any

from monitor.domain.report import Level
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import HEADERS
from tests.ui.conftest import KEY, UI_MARKS, Rig, book, selected


def test_accounts_and_positions_models_pass_the_model_tester(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, rig: Rig
) -> None:
    qtmodeltester.check(window.accounts_model)
    qtmodeltester.check(window.positions_model)
    # Structural changes (rows in and out) and ticks, with the tester still watching.
    qtmodeltester.check(window.positions_view.model())
    new_id = rig.service.create_manual_account("second", 500, "USDT", None).result(5)
    qtbot.waitUntil(lambda: window.accounts_model.rowCount() == 2)
    mark = window.positions_model.index(0, HEADERS.index("Mark"))
    before = mark.data()
    rig.move_price("BTC/USDT:USDT", 0.97)  # on the venue: the next poll ticks the rows
    qtbot.waitUntil(lambda: book(selected(window)).positions[0].mark_price != UI_MARKS["BTC"])
    qtbot.waitUntil(lambda: window.positions_model.index(0, HEADERS.index("Mark")).data() != before)
    rig.service.remove_account(new_id).result(5)
    qtbot.waitUntil(lambda: window.accounts_model.rowCount() == 1)
    qtmodeltester.check(window.accounts_model)
    qtmodeltester.check(window.positions_model)


def test_alerts_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, rig: Rig
) -> None:
    assert rig.alerts() == []  # the demo starts healthy: nothing raised yet
    # Take the whole market down until the pool's health is 1.9 (warning is below 2.0):
    # the service's real alert machine raises a warning and the window lists it.
    rig.venue.shift_all(rig.venue.factor_for_health(KEY, 1.9))
    qtbot.waitUntil(lambda: window.alerts.model.rowCount() == 1, timeout=5000)
    qtmodeltester.check(window.alerts.model)
    (event,) = rig.alerts()  # what the service published: one alert, a warning at 1.9
    assert event.account_id == rig.demo_id
    assert event.payload.level is Level.WARNING
    truth = rig.venue.reported(KEY).pool("USDT").health  # the venue's own rules, not our engine
    assert truth is not None and abs(truth - 1.9) < 1e-6
    assert event.payload.health is not None and abs(event.payload.health - 1.9) < 1e-6
    assert window.alerts.model.index(0, 3).data() == event.message
    assert window.alerts.model.index(0, 1).data() == "[SIMULATED] demo"
