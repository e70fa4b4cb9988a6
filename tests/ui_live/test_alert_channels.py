"""The window's alert channels on the real service: banner, sound, tray, acknowledge, mute.

The simulated venue drives the demo pool into critical and then liquidation; no audio device
and no system tray exist here, so this also proves both degrade without a crash.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from monitor.domain import Level
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.sources import Connection
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue
from monitor.store.database import open_database
from monitor.ui.app import MainWindow
from tests.service.conftest import FAST_BACKOFF, FAST_RULES, test_reader

KEY = DEMO_CREDENTIALS.api_key


@pytest.fixture
def live(tmp_path: Path, qtbot):
    venue = SimVenue(seed=11)
    url = venue.start()
    db = open_database(f"sqlite:///{tmp_path / 'ui.sqlite'}")
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})

    def sim(_record):
        settings = ExchangeSettings("binanceusdm", api_url=url)
        return Connection(settings, Credentials(KEY, DEMO_CREDENTIALS.secret))

    service = MonitorService(
        db, sim=sim, reader_factory=test_reader, rules=FAST_RULES, backoff=FAST_BACKOFF, tick=0.1
    )
    service.start()
    window = MainWindow(service, settings_path=tmp_path / "window.ini", exchange_catalog=list)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.header.health_text() not in ("", "—"), timeout=10_000)
    yield window, venue, db
    window.close()
    service.stop()
    venue.stop()
    db.close()


def test_critical_alert_shows_rings_and_can_be_acknowledged(live, qtbot):
    window, venue, db = live
    assert not window.banner.isVisible()
    venue.shift_all(venue.factor_for_health(KEY, 1.2))  # between 1.0 and critical 1.25
    qtbot.waitUntil(
        lambda: window.banner.shown() is not None and window.banner.shown().level is Level.CRITICAL,
        timeout=10_000,
    )
    assert "CRITICAL" in window.banner.text.text() and "demo" in window.banner.text.text()
    # Asked to ring (no device here: silently); the sound's slot may run a moment after the
    # banner's under load, so wait for it rather than race it.
    qtbot.waitUntil(lambda: Level.CRITICAL in window.sounds.played, timeout=5_000)
    assert window.tray.available is False and window.tray.shown == []  # no tray here
    # The header follows at its next redraw (4 Hz) with the same figure.
    qtbot.waitUntil(lambda: window.header.health_text() == "1.20", timeout=5_000)
    if os.environ.get("MARGIN_MONITOR_SCREENSHOTS"):
        window.grab().save(os.path.join(os.environ["MARGIN_MONITOR_SCREENSHOTS"], "critical.png"))

    window.banner.ack.click()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
    stored = [a for a in db.alerts.recent(50) if a.level == "critical" and a.kind != "acknowledged"]
    assert stored and stored[0].acknowledged_at is not None


def test_muted_sounds_stay_silent_but_the_banner_still_escalates(live, qtbot):
    window, venue, _ = live
    window.menu.mute_action.setChecked(True)
    assert window.settings.muted()
    venue.shift_all(venue.factor_for_health(KEY, 0.95))  # past liquidation
    qtbot.waitUntil(
        lambda: (
            window.banner.shown() is not None and window.banner.shown().level is Level.LIQUIDATION
        ),
        timeout=10_000,
    )
    assert window.sounds.played == []
