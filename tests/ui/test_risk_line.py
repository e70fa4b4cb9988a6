"""The risk job's figures reach the window: the service carries them on the account's
snapshots and the header shows the headline pool's odds of liquidation (with their
Monte-Carlo error) and its funding a day (issue 15, points 1 and 2, in the header)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from monitor.domain.risk.move_bands import MoveBand
from monitor.domain.risk.probability import Estimate, Settings
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.risk_figures import PoolRisk
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
        text = window.header.risk.full_text()
        # The job's own figures, as published (the header re-states nothing itself).
        assert f"24 h {day.p * 100:.1f} % ± {day.error * 100:.1f}" in text
        assert figures.funding_per_day is not None
        assert f"Funding {figures.funding_per_day:,.2f} USDT a day" in text
        assert "300 paths" in text
        # And they stay on the snapshots that follow (every poll builds new ones).
        seen = window.presenter.latest
        qtbot.waitUntil(lambda: window.presenter.latest is not seen)
        selected = window.presenter.selected()
        assert selected is not None and selected.risk is published[0]
    finally:
        job.stop()


def test_the_stress_chart_shades_the_jobs_24h_move_band(
    qtbot: Any, window: MainWindow, service: MonitorService, rig: Rig
) -> None:
    window.tabs.setCurrentWidget(window.stress_chart)
    chart = window.stress_chart.chart()
    qtbot.waitUntil(lambda: window.presenter.selected() is not None)
    assert not chart.band.isVisible()
    none = Estimate(0.0, 0.0)
    figures = PoolRisk(
        pool=0, symbol=None, probability={"1h": none, "8h": none, "24h": Estimate(0.03, 0.002)},
        probability_unknown=None, funding_per_day=-47.8, days_to_warning=179.0,
        days_to_liquidation=200.0, funding_unknown=None,
        moves={"24h": MoveBand(-0.051, 0.082)},
    )  # fmt: skip
    service.set_risk(AccountRisk(rig.demo_id, time.time(), 300, (("USDT", figures),)))
    qtbot.waitUntil(chart.band.isVisible, timeout=10_000)
    low, high = chart.band.getRegion()
    assert (low, high) == pytest.approx((-5.1, 8.2))  # in % on the chart's move axis
    assert "24 h 3.0 % ± 0.2" in window.header.risk.full_text()
    assert "Funding -47.80 USDT a day, warning in 179 days" in window.header.risk.full_text()


def test_a_pool_at_liquidation_shows_no_odds_from_before(
    qtbot: Any, window: MainWindow, service: MonitorService, rig: Rig
) -> None:
    """Found in a desk's crash: the header read "at liquidation" beside "Odds of liquidation:
    1 h 0.0 %", the paths being from a book a minute before (they take seconds of CPU and are
    redone in the background). Odds from before say nothing of a pool already liquidated."""
    rig.move_price("BTC/USDT:USDT", 0.4)  # the demo is long 1.2 BTC on a ~10,400 USDT pool
    service.refresh(None)

    def at_liquidation() -> bool:
        snap = window.presenter.selected()
        ratios = [] if snap is None else [p.baseline.health_ratio for p in snap.pools]
        return any(r is not None and r <= 1.0 for r in ratios)

    qtbot.waitUntil(at_liquidation, timeout=10_000)
    none = Estimate(0.0, 0.0)
    figures = PoolRisk(
        pool=0, symbol=None, probability={"1h": none, "8h": none, "24h": Estimate(0.31, 0.005)},
        probability_unknown=None, funding_per_day=-46.5, days_to_warning=93.0,
        days_to_liquidation=120.0, funding_unknown=None,
    )  # fmt: skip
    service.set_risk(AccountRisk(rig.demo_id, time.time(), 300, (("USDT", figures),)))
    qtbot.waitUntil(window.header.risk.isVisible, timeout=10_000)
    text = window.header.risk.full_text()
    assert "Odds of liquidation: at liquidation now" in text
    assert "0.0 %" not in text and "31.0 %" not in text
