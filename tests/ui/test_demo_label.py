"""The simulated demo is labelled SIMULATED everywhere a trader reads it (issue 13): the account
list, the header, the window's title, the data state, and the alerts it raises."""

from __future__ import annotations

from typing import Any

from monitor.domain.report import Level
from monitor.ui.accounts_model import HEALTH_COLUMN
from monitor.ui.app import MainWindow
from tests.ui.conftest import KEY, Rig

TAG = "[SIMULATED]"


def _row(window: MainWindow) -> list[str]:
    model = window.accounts_model
    return [str(model.index(0, c).data()) for c in range(model.columnCount())]


def test_the_demo_says_simulated_in_the_list_header_title_and_alerts(
    qtbot: Any, window: MainWindow, rig: Rig
) -> None:
    qtbot.waitUntil(lambda: "ok" in _row(window)[HEALTH_COLUMN], timeout=5000)
    name, venue, _health, data = _row(window)
    assert (name, venue) == (f"{TAG} demo", "simulated binanceusdm")
    assert data.startswith("simulated · ") and "live" not in data  # its data is never "live"
    assert window.header.title.text().startswith(f"{TAG} demo")
    assert window.windowTitle() == f"Margin Monitor — {TAG} demo"

    # Down to health 1.2 (critical is 1.25): the alert the service raises names it simulated,
    # in the stored text the banner, the alert list and every webhook show.
    rig.venue.shift_all(rig.venue.factor_for_health(KEY, 1.2))
    qtbot.waitUntil(
        lambda: (a := window.banner.shown()) is not None and a.level >= Level.CRITICAL,
        timeout=5000,
    )
    raised = [e.payload for e in rig.alerts() if e.payload.level >= Level.CRITICAL]
    assert raised and all(a.message.startswith(f"{TAG} demo") for a in raised)
    assert TAG in window.banner.text.text()
