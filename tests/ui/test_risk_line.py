"""The risk job's figures reach the window: the service carries them on the account's
snapshots and the header shows the headline pool's odds of liquidation (with their
Monte-Carlo error) and its funding a day (issue 15, points 1 and 2, in the header)."""

from __future__ import annotations

import threading
from typing import Any

from monitor.domain.risk.probability import Settings
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.risk_job import AccountRisk, RiskJob, stored_market
from monitor.service.sources import Connection
from monitor.ui.app import MainWindow
from tests.ui.conftest import Rig


def test_the_header_shows_the_jobs_odds_and_funding(
    qtbot: Any, window: MainWindow, service: MonitorService, rig: Rig
) -> None:
    assert not window.header.risk.isVisible()  # nothing until the job has figures
    published: list[AccountRisk] = []
    lock = threading.Lock()

    def publish(risk: AccountRisk) -> None:  # what the session wires: the service's setter
        with lock:
            published.append(risk)
        service.set_risk(risk)

    def public(_record: object) -> Connection:
        return Connection(ExchangeSettings("binanceusdm", api_url=rig.venue.url), Credentials())

    job = RiskJob(
        publish,
        market_of=stored_market(service.record, public),
        every=3600.0,
        settings=Settings(paths=300, seed=2),
    )
    service.subscribe(job.on_snapshot)
    job.start()
    try:
        qtbot.waitUntil(lambda: bool(published), timeout=60_000)
        figures = dict(published[0].pools)["USDT"]
        day = figures.probability["24h"]
        qtbot.waitUntil(window.header.risk.isVisible, timeout=10_000)
        text = window.header.risk.text()
        # The job's own figures, as published (the header re-states nothing itself).
        assert f"24 h {day.p * 100:.1f} % ± {day.error * 100:.1f}" in text
        assert figures.funding_per_day is not None
        assert f"funding {figures.funding_per_day:,.2f} USDT a day" in text
        assert "300 paths" in text
        # And they stay on the snapshots that follow (every poll builds new ones).
        seen = window.presenter.latest
        qtbot.waitUntil(lambda: window.presenter.latest is not seen)
        selected = window.presenter.selected()
        assert selected is not None and selected.risk is published[0]
    finally:
        job.stop()
