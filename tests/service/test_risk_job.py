"""The background risk job on a running service (the simulated venue's demo account over
loopback): figures arrive from the job's own thread, funding matches the venue's book and the
rate it serves, and a change of positions brings new figures."""

from __future__ import annotations

import threading

import pytest

from monitor.domain.risk.probability import Settings
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.risk_job import AccountRisk, RiskJob, stored_market
from monitor.service.sources import Connection
from monitor.sources.sim import DEMO_CREDENTIALS, SimBook, SimPosition

from .conftest import wait_for

KEY = DEMO_CREDENTIALS.api_key


def cross_funding(venue, rate: float = 0.0001, per_day: int = 3) -> float:
    """Sum over the demo's cross positions of -side x |amount| x mark x rate x intervals a day
    (the venue's own book and marks; a long pays a positive rate)."""
    marks = venue.marks()
    return sum(
        -(1 if p.amount > 0 else -1) * abs(p.amount) * marks[p.market] * rate * per_day
        for p in venue.book(KEY).positions
        if p.isolated_wallet is None
    )


def test_the_job_publishes_from_its_own_thread_and_follows_the_book(db, venue, make_service):
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, _ = make_service()

    def public(_record: object) -> Connection:  # the venue's public data: no keys
        return Connection(ExchangeSettings("binanceusdm", api_url=venue.url), Credentials())

    results: list[tuple[str, AccountRisk]] = []
    lock = threading.Lock()

    def publish(risk: AccountRisk) -> None:
        with lock:
            results.append((threading.current_thread().name, risk))

    job = RiskJob(
        publish,
        market_of=stored_market(service.record, public),
        every=3600.0,
        settings=Settings(paths=300, seed=1),
    )
    service.subscribe(job.on_snapshot)
    job.start()
    try:
        service.start()
        thread, first = wait_for(lambda: results[:1], timeout=60)[0]
        assert thread == "risk-job"
        (name, cross), *isolated = first.pools
        assert name == "USDT" and cross.symbol is None
        assert cross.funding_per_day == pytest.approx(cross_funding(venue), rel=1e-9)
        assert set(cross.probability) == {"1h", "8h", "24h"}
        assert all(0.0 <= e.p <= 1.0 for e in cross.probability.values())
        assert {r.symbol for _, r in isolated} == {"DOGE/USDT:USDT", "BNB/USDT:USDT"}

        # New positions at the venue: the next snapshot's book differs, new figures follow.
        venue.set_book(KEY, SimBook("demo", 9_000.0, (SimPosition("BTCUSDT", -0.5, 64_000.0, 20),)))
        _, second = wait_for(lambda: results[1:2], timeout=60)[0]
        [(_, only)] = second.pools
        assert only.funding_per_day == pytest.approx(cross_funding(venue), rel=1e-9)
        assert only.funding_per_day > 0  # a short receives a positive rate
        assert len(results) == 2
    finally:
        job.stop()
