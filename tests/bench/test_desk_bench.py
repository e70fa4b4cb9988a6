"""Issue 14's desk benchmark: 200 accounts x 25 positions on two collectors.

A throw-away PostgreSQL (tests/postgres.py); 200 hedged books of 25 positions served by VENUES
simulated Binance venues (venue_fleet.py: 4 by default, 50 books each, each a process of its
own on its own loopback port, each account's api_url pointing at its venue; each account's
figures worked out once per price step, see remote_venue.py), their prices
stepping every second and each request answered after LATENCY; two real `margin-monitor watch
--collector` processes sharing the accounts by lease. After a warm-up (every account read, the
leases split), over SPAN seconds:

* accounts held by each collector, and lease moves during the span (churn);
* the refresh cycle: per account, the time between two consecutive account_health rows.
  Each account is polled by its own task (read, store, sleep INTERVAL), so a collector has no
  "pass" of its own; a row is stored at every recompute whose figures changed, and with prices
  moving every second that is every read. The account's period minus INTERVAL is what one
  read, its store and its recompute take under the collector's load;
* CPU per collector from /proc (fraction of a core, CPU seconds per cycle) and its resident
  memory (VmRSS: at the end and the most seen, sampled every second); beside them the
  venues' CPU (all, and each), PostgreSQL's (postmaster and backends), this process's, and the
  whole machine's busy time, so a reader sees who takes the 2 cores and who is the limit (one
  venue process serving all 200 took 0.5-0.7 core, answered late and most accounts' reads
  timed out: the figure was the venue's);
* the database's growth (pg_database_size, pg_total_relation_size per table) over the span,
  per hour and per day, and history rows written per second.

Floors in the same run: one account's bare read (the collector's ccxt call pair, nothing
stored), and the same span with one collector holding all 200 (the other stopped).

The figures are printed; a benchmark never fails on a time, nor on the collectors' errors
(it counts them). It fails when the desk does not run at all (a collector dead, no account
read twice in a span). SPAN is DESK_BENCH_SPAN seconds (180), INTERVAL DESK_BENCH_INTERVAL
(2 s), VENUES DESK_BENCH_VENUES (4), ACCOUNTS DESK_BENCH_ACCOUNTS (200: fewer for a quick try).
Run: pytest tests/bench/test_desk_bench.py --benchmark-enable -s -p no:cacheprovider
"""

from __future__ import annotations

import asyncio
import os
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.sources import Connection, default_reader
from monitor.sources.exchange.credentials import save_to_file
from monitor.store import open_database
from monitor.store.database import Database
from tests.bench.desk import (
    cpu_seconds,
    health_times,
    machine_cpu_seconds,
    postmaster_pid,
    read_errors,
    read_since,
    rss_bytes,
    store_figures,
    tree_cpu_seconds,
)
from tests.bench.desk_report import Span, report, stderr_summary
from tests.bench.remote_venue import hedged_book, wide_markets
from tests.bench.venue_fleet import VenueAccount, VenueFleet
from tests.cli_process import Proc
from tests.service.conftest import wait_for

ACCOUNTS = int(os.environ.get("DESK_BENCH_ACCOUNTS", "200"))
POSITIONS = 25
VENUES = int(os.environ.get("DESK_BENCH_VENUES", "4"))  # venue processes sharing the books
# Each account's figures worked out once per price step, not per request (remote_venue.py):
# 1 by default; DESK_BENCH_FIGURES_PER_TICK=0 for the simulator's cost per request.
FIGURES_PER_TICK = os.environ.get("DESK_BENCH_FIGURES_PER_TICK", "1") == "1"
INTERVAL = float(os.environ.get("DESK_BENCH_INTERVAL", "2"))  # each account's read (default 2)
LATENCY = 0.2  # the venue's answer to each request, as test_scale_bench's
SPAN = float(os.environ.get("DESK_BENCH_SPAN", "180"))
# 200 accounts' first reads (markets, tiers) on two loaded cores. A desk that has not read
# every account by then is measured as it is, the accounts never read counted.
WARM_UP = 240.0


def _bare_read(account: VenueAccount) -> float:
    """Median seconds of one account's read alone: the collector's reader (rate limiter on),
    after its first read loaded markets and tiers; nothing stored or computed."""

    async def run() -> float:
        settings = ExchangeSettings("binanceusdm", api_url=account.url)
        credentials = Credentials(account.key, account.secret)
        reader = default_reader(Connection(settings, credentials), "bare")
        try:
            await reader.fetch(time.time())
            times = []
            for _ in range(5):
                start = time.perf_counter()
                await reader.fetch(time.time())
                times.append(time.perf_counter() - start)
            return statistics.median(times)
        finally:
            await reader.close()

    return asyncio.run(run())


def _add_accounts(db: Database, accounts: list[VenueAccount], keys_file: Path) -> list[int]:
    """The accounts as a desk adds them: each its own key, kept in a credentials file, and
    its venue's address."""
    ids = []
    for i, account in enumerate(accounts):
        name = f"desk-{i:03d}"
        save_to_file(keys_file, name, Credentials(account.key, account.secret))
        ids.append(
            db.accounts.add(
                name,
                "exchange",
                venue="binanceusdm",
                credentials_ref=name,
                settings={
                    "exchange_id": "binanceusdm",
                    "api_url": account.url,
                    "credentials_file": str(keys_file),
                    "interval": INTERVAL,
                },
            )
        )
    return ids


def _sample_rss(processes: dict[str, int], peaks: dict[str, int]) -> dict[str, int]:
    """Each collector's VmRSS now, its peak in `peaks` raised to it."""
    now = {n: rss_bytes(pid) for n, pid in processes.items() if n.startswith("collector")}
    for name, rss in now.items():
        peaks[name] = max(peaks.get(name, 0), rss)
    return now


def _measure(db: Database, processes: dict[str, int], span: float) -> Span:
    """Sample leases every second for `span` seconds (a fixed span: this is the measurement),
    with CPU and the database's figures at both ends."""
    cpu0 = {name: _cpu(name, pid) for name, pid in processes.items()}
    machine0 = machine_cpu_seconds()[0]
    peaks: dict[str, int] = {}
    before = store_figures(db)
    start = time.time()
    moves = 0
    holders = db.leases.holders(start)
    tick = threading.Event()
    while time.time() - start < span:
        tick.wait(1.0)
        now = db.leases.holders(time.time())
        moves += sum(1 for a, h in now.items() if holders.get(a, h) != h)
        holders.update(now)
        _sample_rss(processes, peaks)
    end = time.time()
    cpu = {name: _cpu(name, pid) - cpu0[name] for name, pid in processes.items()}
    machine = machine_cpu_seconds()[0] - machine0
    rss = {n: (r, peaks[n]) for n, r in _sample_rss(processes, peaks).items()}
    after = store_figures(db)
    periods = {a: np.diff(t) for a, t in health_times(db, start, end).items()}
    errors = read_errors(db, start)
    return Span(end - start, cpu, before, after, periods, holders, moves, errors, rss, machine)


def _cpu(name: str, pid: int) -> float:
    return tree_cpu_seconds(pid) if name == "postgresql" else cpu_seconds(pid)


def _unread_since(db: Database, ids: list[int], since: float) -> int:
    return len(ids) - read_since(db, since)


def _warm_up(db: Database, ids: list[int], since: float) -> str:
    """Wait until every account was read after `since`, up to WARM_UP; what it came to."""
    try:
        wait_for(lambda: _unread_since(db, ids, since) == 0, timeout=WARM_UP, poll=2.0)
    except AssertionError:
        unread = _unread_since(db, ids, since)
        return f"{unread} account(s) NOT read within {WARM_UP:.0f} s; measured as it is"
    return f"every account read {time.time() - since:.0f} s later"


@pytest.mark.timeout(2 * WARM_UP + 2 * SPAN + 600)
def test_200_accounts_of_25_positions_on_two_collectors(postgres_url, tmp_path):
    books = [hedged_book(f"book-{i}", POSITIONS, 1 + i / 100) for i in range(ACCOUNTS)]
    fleet = VenueFleet(
        books,
        wide_markets((POSITIONS + 1) // 2),
        VENUES,
        tick=1.0,
        figures_per_tick=FIGURES_PER_TICK,
    )
    procs: list[Proc] = []
    db = open_database(postgres_url)
    lines: list[str] = [
        f"{ACCOUNTS} accounts x {POSITIONS} positions, interval {INTERVAL:g} s, on "
        f"{len(fleet.venues)} venue process(es) of "
        f"{'/'.join(str(len(v.keys)) for v in fleet.venues)} accounts"
    ]
    try:
        ids = _add_accounts(db, fleet.accounts, tmp_path / "keys.json")
        fleet.set_latency(LATENCY)
        bare = _bare_read(fleet.accounts[0])
        lines.append(
            f"floor: one account's bare read (ccxt call pair, {LATENCY * 1000:.0f} ms venue "
            f"latency, no load) {bare * 1000:.0f} ms; machine load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        env = dict(os.environ, MARGIN_MONITOR_DB=postgres_url)
        started = time.time()
        procs.extend(Proc("watch", "--collector", "--quiet", env=env) for _ in "ab")

        def split() -> bool:
            counts = Counter(db.leases.holders(time.time()).values())
            return len(counts) == 2 and sum(counts.values()) == ACCOUNTS

        wait_for(split, timeout=120, poll=0.5)
        lines.append(f"collectors started, leases split: {_warm_up(db, ids, started)}")
        assert all(p.popen.poll() is None for p in procs), [p.errors[-3:] for p in procs]

        pg = postmaster_pid(postgres_url)
        label = {f"{p.pid}": f"collector {n}" for p, n in zip(procs, "AB", strict=True)}
        holding = set(db.leases.holders(time.time()).values())
        holder_of = {h: label[h.split(":")[1]] for h in holding}
        processes = {name: int(pid) for pid, name in label.items()}
        processes |= fleet.pids() | {"postgresql": pg, "bench": os.getpid()}
        two = _measure(db, processes, SPAN)
        lines += report(f"two collectors, {ACCOUNTS} accounts", two, holder_of, INTERVAL)

        # The floor beside it: one collector holds all 200 once the other stops.
        procs[1].stop()
        alone = next(h for h, name in holder_of.items() if name == "collector A")
        wait_for(
            lambda: Counter(db.leases.holders(time.time()).values())[alone] == ACCOUNTS,
            timeout=60,
            poll=0.5,
        )
        lines.append(f"collector B stopped, A holds {ACCOUNTS}: {_warm_up(db, ids, time.time())}")
        del processes["collector B"]
        one = _measure(db, processes, SPAN)
        lines += report(
            f"one collector, {ACCOUNTS} accounts", one, {alone: "collector A"}, INTERVAL
        )
        lines += stderr_summary(procs)
    finally:
        print("\n" + "\n".join(lines))
        for proc in reversed(procs):
            proc.stop()
        db.close()
        fleet.stop()
    assert two.periods and one.periods, "no account was read twice in a span"
