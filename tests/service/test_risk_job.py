"""The background risk job on a running service (the simulated venue's demo account over
loopback): figures arrive from the job's own thread, funding matches the venue's book and the
rate it serves, and a change of positions brings new figures."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from monitor.domain.risk.probability import Settings
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.risk_job import AccountRisk, RiskJob, paths_stale, stamp, stored_market
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


def test_new_paths_when_the_book_nears_liquidation_not_for_a_quiet_tick(db, venue, make_service):
    # Paths cost seconds of CPU: a window left open on a quiet book must not redo them every
    # few minutes (idle CPU), yet a market that brought liquidation a tenth nearer must.
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, _ = make_service()
    seen: list[Any] = []
    service.subscribe(lambda snapshot: seen.extend(a for a in snapshot.accounts if a.known))
    service.start()
    first = wait_for(lambda: seen[-1:], timeout=30)[0]
    cross = first.pools[0].baseline
    assert cross.liquidation_move_down is not None  # the demo is long: a fall liquidates it
    done = stamp(first, 1_000.0)
    base = venue.marks()

    def at(factor: float) -> Any:
        venue.set_marks({m: p * factor for m, p in base.items()})
        btc = base["BTCUSDT"] * factor
        return wait_for(
            lambda: next((a for a in reversed(seen) if dict(a.markets)["BTC/USDT:USDT"] == btc),
                         None),
            timeout=30,
        )  # fmt: skip

    # Every mark 0.1 % lower: the fall that liquidates shrinks by ~0.1 point of ~6: ~2 %.
    quiet = at(0.999)
    assert not paths_stale(done, quiet, 1_000.0 + 60.0, every=1800.0)
    assert paths_stale(done, quiet, 1_000.0 + 1800.0, every=1800.0)  # the newest candles
    # Every mark 1.5 % lower: the fall that liquidates is a quarter shorter.
    nearer = at(0.985)
    assert nearer.pools[0].baseline.liquidation_move_down < 0.9 * cross.liquidation_move_down
    assert paths_stale(done, nearer, 1_000.0 + 60.0, every=1800.0)
