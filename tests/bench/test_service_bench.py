"""One refresh cycle of 20 accounts on the simulated venue at 200 ms latency.

The accounts poll concurrently (one asyncio task each), so a cycle should cost about one
round trip, not twenty. Run with `pytest tests/bench --benchmark-enable`.
"""

from __future__ import annotations

import time

import pytest

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.sources import Connection
from monitor.sources.sim.book import DEMO_BOOK
from monitor.sources.sim.venue import SimVenue
from monitor.store.database import open_database
from tests.service.conftest import FAST_BACKOFF, FAST_RULES, test_reader, wait_for

LATENCY = 0.2
ACCOUNTS = 20


@pytest.fixture
def twenty(tmp_path):
    venue = SimVenue(seed=5)
    url = venue.start()
    db = open_database(f"sqlite:///{tmp_path / 'bench.sqlite'}")
    keys = {}
    for i in range(ACCOUNTS):
        creds = venue.add_book(DEMO_BOOK.scaled(f"book-{i}", 1 + i / 10))
        name = f"acct-{i:02d}"
        keys[name] = (creds.api_key, creds.secret)
        # A long interval: only the benchmark's refreshes poll.
        db.accounts.add(name, "simulated", venue="binanceusdm", settings={"interval": 3600})

    def sim(record):
        key, secret = keys[record.name]
        return Connection(ExchangeSettings("binanceusdm", api_url=url), Credentials(key, secret))

    service = MonitorService(
        db, sim=sim, reader_factory=test_reader, rules=FAST_RULES, backoff=FAST_BACKOFF
    )
    service.start()
    wait_for(lambda: sum(a.known for a in service.latest().accounts) == ACCOUNTS, timeout=60)
    venue.faults.set("latency", LATENCY)  # every request, public ones included
    yield service
    service.stop()
    venue.stop()
    db.close()


def test_bench_refresh_cycle_20_accounts_at_200ms(benchmark, twenty):
    durations = []

    def cycle():
        start = time.time()
        snapshot = twenty.refresh_once(timeout=30)
        durations.append(time.time() - start)
        return start, snapshot

    start, snapshot = benchmark.pedantic(cycle, rounds=3, iterations=1)
    assert len(snapshot.accounts) == ACCOUNTS
    assert all(a.known and a.status.last_success >= start for a in snapshot.accounts)
    # The concurrency claim itself, loosely: far below twenty sequential round trips.
    assert max(durations) < ACCOUNTS * LATENCY / 2
