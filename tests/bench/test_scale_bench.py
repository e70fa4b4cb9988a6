"""Issue 14, speed at scale, on SQLite and PostgreSQL side by side, each figure beside a floor
measured in the same run:

* a refresh cycle of 20 accounts at 200 ms venue latency (target <= 1.5x the latency); floors:
  one bare read of one account, and 20 bare reads at once, by the same readers, no store;
* history written (target >= 300,000 rows/s on SQLite); floor: the driver's bare executemany of
  the day's first four hours into a new table of the same shape and index;
* one account-day of 1-s history for the chart (target <= 50 ms), seven days (<= 100 ms); floor:
  a bare SELECT of one row;
* the window's start: the last stored book shown (target within 1 s), fresh figures;
* 200 accounts x 25 positions on one service (on two collectors: test_desk_bench.py): cycle,
  CPU per cycle, database size per day of history.

The venue runs in a process of its own (remote_venue.py), as a real one would. Benchmarks print
figures and "target met/MISSED"; they never fail on a time.
Run: pytest tests/bench/test_scale_bench.py --benchmark-enable -s
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.heap import settle_heap
from monitor.service.monitor_service import MonitorService
from monitor.service.sources import Connection
from monitor.sources.sim.book import DEMO_BOOK
from monitor.store import HealthSample, open_database
from monitor.store.database import Database
from monitor.store.records import PositionMark
from tests.bench.remote_venue import RemoteVenue, hedged_book, wide_markets
from tests.service.conftest import FAST_BACKOFF, FAST_RULES, test_reader, wait_for

BACKENDS = ("sqlite", "postgresql")
LATENCY = 0.2
DAY = 86_400
RESULTS: dict[str, dict[str, str]] = {}  # figure -> backend -> text


@pytest.fixture(scope="module", autouse=True)
def _side_by_side() -> Iterator[None]:
    yield
    if not RESULTS:
        return
    width = max(len(name) for name in RESULTS)
    lines = [f"\n{'':{width}}  " + "  |  ".join(f"{b:<44}" for b in BACKENDS)]
    for name, by_backend in RESULTS.items():
        cells = "  |  ".join(f"{by_backend.get(b, '—'):<44}" for b in BACKENDS)
        lines.append(f"{name:<{width}}  {cells}")
    print("\n".join(lines))


def _report(name: str, backend: str, text: str) -> None:
    RESULTS.setdefault(name, {})[backend] = text
    print(f"\n[{backend}] {name}: {text}")


def _verdict(met: bool) -> str:
    return "target met" if met else "target MISSED"


def _url(request: pytest.FixtureRequest, backend: str, tmp_path: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


# -- the refresh cycle ----------------------------------------------------------------------


def _patient_reader(connection: Connection, name: str) -> Any:
    """The test reader with two minutes for an answer instead of ccxt's 10 s: the simulated
    venue answers 200 accounts from one process on the same two cores as the service."""
    reader = test_reader(connection, name)
    reader.exchange.timeout = 120_000  # ms
    reader.exchange.options["recvWindow"] = 60_000  # Binance's largest: a signed request ages
    return reader


def _service(db: Database, venue: RemoteVenue, count: int) -> MonitorService:
    names = []
    for i in range(count):
        names.append(f"acct-{i:03d}")
        # A long interval: only the benchmark's refreshes poll.
        db.accounts.add(names[-1], "simulated", venue="binanceusdm", settings={"interval": 3600})
    keys = dict(zip(names, venue.keys, strict=True))

    def sim(record: Any) -> Connection:
        key, secret = keys[record.name]
        settings = ExchangeSettings("binanceusdm", api_url=venue.url)
        return Connection(settings, Credentials(key, secret))

    service = MonitorService(
        db, sim=sim, reader_factory=_patient_reader, rules=FAST_RULES, backoff=FAST_BACKOFF
    )
    service.start()
    wait_for(lambda: sum(a.known for a in service.latest().accounts) == count, timeout=300)
    settle_heap()  # as `watch` and the window do once their service is built (heap.py)
    return service


def _bare_reads(venue: RemoteVenue, count: int) -> tuple[float, float]:
    """Seconds for one account's read alone and for `count` reads at once: the same ccxt
    readers on the same venue, nothing stored or computed."""

    async def run() -> tuple[float, float]:
        readers = []
        for key, secret in venue.keys[:count]:
            settings = ExchangeSettings("binanceusdm", api_url=venue.url)
            readers.append(test_reader(Connection(settings, Credentials(key, secret)), "bare"))
        try:
            await asyncio.gather(*(r.fetch(time.time()) for r in readers))  # markets, tiers
            venue.set_latency(LATENCY)
            start = time.perf_counter()
            await readers[0].fetch(time.time())
            one = time.perf_counter() - start
            start = time.perf_counter()
            await asyncio.gather(*(r.fetch(time.time()) for r in readers))
            return one, time.perf_counter() - start
        finally:
            venue.set_latency(0.0)
            for r in readers:
                await r.close()

    return asyncio.run(run())


def _cycles(service: MonitorService, rounds: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `rounds` refreshes of every account."""
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        begun = time.time()
        snapshot = service.refresh_once(timeout=300)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        behind = [a for a in snapshot.accounts if not (a.known and a.status.last_success >= begun)]
        assert not behind, [(a.name, a.status) for a in behind[:3]]
    return wall, cpu


@pytest.mark.parametrize("backend", BACKENDS)
def test_refresh_cycle_of_20_accounts_at_200ms(request, tmp_path, backend):
    # Figures once per price step, as a real venue computes them on its mark updates: without
    # it the simulator's own root searches (130-180 ms of its CPU for the 20 reads, measured
    # from /proc) took the second core and put the 20 bare reads above the target (350-367 ms).
    # And connections kept alive, as a real venue's are: a new TCP connection per request cost
    # the service and the venue CPU on every read (cycle 300-323 ms with them, 272-304 without).
    books = [DEMO_BOOK.scaled(f"book-{i}", 1 + i / 10) for i in range(20)]
    venue = RemoteVenue(books, figures_per_tick=True, keep_alive=True)
    db = open_database(_url(request, backend, tmp_path, "cycle"))
    service = None
    try:
        one, twenty = _bare_reads(venue, 20)
        service = _service(db, venue, 20)
        venue.set_latency(LATENCY)
        # The service's steady state, as it runs for hours: the first cycles after its start
        # (code paths, statement caches and the database's pages still cold) are printed apart.
        first, _ = _cycles(service, 2)
        wall, _ = _cycles(service, 10)
    finally:
        if service is not None:
            service.stop()
        venue.stop()
        db.close()
    cycle = statistics.median(wall)
    target = 1.5 * LATENCY
    # On a slow machine the bare reads alone (ccxt's own CPU, ~2.5 ms a read, and the venue's)
    # may take longer than the target; said beside it.
    above = (
        f"; the floor itself is above the target here ({twenty * 1000:.0f} > "
        f"{target * 1000:.0f} ms), the cycle {(cycle - twenty) * 1000:+.0f} ms over it"
        if twenty > target
        else ""
    )
    _report(
        "refresh cycle, 20 accounts @ 200 ms",
        backend,
        f"{cycle * 1000:.0f} ms = {cycle / LATENCY:.2f}x latency "
        f"(floors: 1 bare read {one * 1000:.0f}, 20 at once {twenty * 1000:.0f} ms) "
        f"{_verdict(cycle <= target)}{above}; median of 10 (max {max(wall) * 1000:.0f} ms) after "
        f"the first 2 ({', '.join(f'{t * 1000:.0f}' for t in first)} ms)",
    )


# -- history: written, and read for the chart ------------------------------------------------


def _ratio(t: np.ndarray, j: int) -> np.ndarray:
    # Changes every second, so every sample is stored (the worst case for "only on change").
    return (1_000.0 + j + 0.01 * t + np.sin(t / 600.0)) / 10.0


def _day(account_ids: list[int], start: int, seconds: int) -> Iterator[list[HealthSample]]:
    """One transaction per hour of samples of every account, as a bulk load writes them."""
    for hour in range(start, start + seconds, 3600):
        t = np.arange(hour, hour + 3600, dtype=np.float64)
        ratios = [_ratio(t, j).tolist() for j in range(len(account_ids))]
        times = t.tolist()
        yield [
            HealthSample(account_id, times[s], ratios[j][s] * 10.0, 10.0, ratios[j][s])
            for s in range(3600)
            for j, account_id in enumerate(account_ids)
        ]


def _bare_insert_rows_per_s(db: Database, rows: list[tuple[Any, ...]]) -> float:
    """The driver's executemany, nothing else, into a table shaped like account_health."""
    with db.write() as s:
        conn = s.connection()
        conn.exec_driver_sql(
            "CREATE TABLE bare_health (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, "
            "at DOUBLE PRECISION NOT NULL, margin_balance DOUBLE PRECISION NOT NULL, "
            "maintenance DOUBLE PRECISION NOT NULL, health_ratio DOUBLE PRECISION)"
            if db.engine.dialect.name == "sqlite"
            else "CREATE TABLE bare_health (id BIGSERIAL PRIMARY KEY, account_id INTEGER NOT "
            "NULL, at DOUBLE PRECISION NOT NULL, margin_balance DOUBLE PRECISION NOT NULL, "
            "maintenance DOUBLE PRECISION NOT NULL, health_ratio DOUBLE PRECISION)"
        )
        conn.exec_driver_sql("CREATE INDEX ix_bare ON bare_health (account_id, at)")
    marker = "?" if db.engine.dialect.name == "sqlite" else "%s"
    sql = (
        "INSERT INTO bare_health (account_id, at, margin_balance, maintenance, health_ratio) "
        f"VALUES ({', '.join([marker] * 5)})"
    )
    start = time.perf_counter()
    with db.write() as s:
        s.connection().exec_driver_sql(sql, rows)
    return len(rows) / (time.perf_counter() - start)


def _timed(fn: Any, rounds: int = 7) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


@pytest.mark.parametrize("backend", BACKENDS)
def test_history_written_and_read_for_the_chart(request, tmp_path, backend):
    db = open_database(_url(request, backend, tmp_path, "history"))
    try:
        ids = [db.accounts.add(f"acct-{j}", "manual", wallet_balance=1.0) for j in range(20)]
        batches = list(_day(ids, 0, DAY))  # made before the clock starts
        start = time.perf_counter()
        stored = sum(db.history.record_health(batch) for batch in batches)
        rate = stored / (time.perf_counter() - start)
        assert stored == 20 * DAY
        hours = [(s.account_id, s.at, s.margin_balance, 10.0, s.health_ratio)
                 for batch in batches[:4] for s in batch]  # fmt: skip
        del batches
        bare = _bare_insert_rows_per_s(db, hours)
        _report(
            "history written, 20 accounts x 1 day @ 1 s",
            backend,
            f"{rate:,.0f} rows/s (floor: bare executemany of 4 h, fresh table {bare:,.0f} rows/s) "
            + (_verdict(rate >= 300_000) if backend == "sqlite" else "(target is SQLite's)"),
        )
        # Six more days of one account: a week to chart.
        for batch in _day(ids[:1], DAY, 6 * DAY):
            db.history.record_health(batch)

        with db.read() as s:
            conn = s.connection()
            floor, _ = _timed(lambda: conn.exec_driver_sql("SELECT 1").all())
        day, (t, h) = _timed(lambda: db.history.chart(ids[0], 6 * DAY, 7 * DAY - 1))
        # The day's lowest, or the row in force at its start (shown first), if lower.
        assert h.min() == _ratio(np.arange(6 * DAY - 1, 7 * DAY, dtype=np.float64), 0).min()
        week, (tw, _) = _timed(lambda: db.history.chart(ids[0], 0, 7 * DAY - 1))
        _report(
            "chart read, 1 account-day of 1-s history",
            backend,
            f"{day * 1000:.1f} ms for {len(t)} points (floor: bare SELECT {floor * 1000:.2f} "
            f"ms) {_verdict(day <= 0.05)}",
        )
        _report(
            "chart read, 7 days",
            backend,
            f"{week * 1000:.1f} ms for {len(tw)} points {_verdict(week <= 0.1)}",
        )
    finally:
        db.close()


# -- the window's start --------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_start_to_the_stored_book_and_to_fresh_figures(request, tmp_path, backend):
    """The real `margin-monitor --smoke-test` on a database that holds the demo's last read."""
    url = _url(request, backend, tmp_path, "start")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    paint, stored, fresh = [], [], []
    for run in range(4):
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-m", "monitor.cli", "--db", url, "--smoke-test"],
            capture_output=True, text=True, timeout=180, check=True, env=env,
        )  # fmt: skip
        if run == 0:
            continue  # the first run makes the database and its first read
        line = out.stdout.strip().splitlines()[-1]
        found = re.search(r"painted at ([\d.]+), data at ([\d.]+), figures at ([\d.]+)", line)
        assert found, line
        paint.append(float(found.group(1)) - started)
        fresh.append(float(found.group(2)) - started)
        stored.append(float(found.group(3)) - started)
    shown = statistics.median(stored)
    _report(
        "start: stored book shown / fresh",
        backend,
        f"{shown:.2f} s / {statistics.median(fresh):.2f} s (floor: first paint "
        f"{statistics.median(paint):.2f} s) {_verdict(shown <= 1.0)}",
    )


# -- 200 accounts x 25 positions -----------------------------------------------------------


def _size(db: Database) -> int:
    with db.read() as s:
        conn = s.connection()
        if db.engine.dialect.name == "sqlite":  # the pages as of now, those in the WAL too
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            return int(pages) * int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())


def _bytes_per_day(db: Database, account_ids: list[int], positions: int) -> float:
    """Ten minutes of history as the service writes it (health every second when it changed,
    each position's mark once a minute), scaled to a day."""
    before = _size(db)
    for minute in range(10):
        t = np.arange(minute * 60, minute * 60 + 60, dtype=np.float64)
        for s in range(0, 60, 10):  # ten seconds a transaction
            db.history.record_health(
                HealthSample(a, float(t[s + k]), 1e4 + k, 1e3, 10.0 + k / 100 + a / 1e4)
                for k in range(10)
                for a in account_ids
            )
        for a in account_ids:
            db.history.record_position_marks(
                a,
                float(t[0]),
                [PositionMark(f"ALT{i}/USDT:USDT", "long", 1.0 + i, 0.5) for i in range(positions)],
            )
    return (_size(db) - before) * (DAY / 600)


@pytest.mark.parametrize("backend", BACKENDS)
def test_200_accounts_of_25_positions_on_one_service(request, tmp_path, backend):
    accounts, positions = 200, 25
    books = [hedged_book(f"book-{i}", positions, 1 + i / 100) for i in range(accounts)]
    venue = RemoteVenue(books, wide_markets((positions + 1) // 2))
    db = open_database(_url(request, backend, tmp_path, "wide"))
    service = None
    try:
        service = _service(db, venue, accounts)
        venue.set_latency(LATENCY)
        wall, cpu = _cycles(service, 3)
        ids = [a.account_id for a in service.latest().accounts]
        assert all(len(a.health.positions) == positions for a in service.latest().accounts)
    finally:
        if service is not None:
            service.stop()
        venue.stop()
    try:
        per_day = _bytes_per_day(db, ids, positions)
    finally:
        db.close()
    _report(
        "200 accounts x 25 positions, one service",
        backend,
        f"cycle {statistics.median(wall):.2f} s (floor: latency {LATENCY:.1f} s), "
        f"CPU {statistics.median(cpu):.2f} s/cycle, history {per_day / 1e9:.2f} GB/day",
    )
