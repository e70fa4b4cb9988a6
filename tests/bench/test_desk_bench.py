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
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.sources import Connection, default_reader
from monitor.sources.exchange.credentials import save_to_file
from monitor.store import open_database
from monitor.store.database import Database
from tests.bench.desk import (
    StoreFigures,
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
HOUR, DAY = 3600.0, 86_400.0


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


@dataclass
class Span:
    """What happened between two moments of a running desk."""

    seconds: float
    cpu: dict[str, float]  # process -> CPU seconds in the span
    before: StoreFigures
    after: StoreFigures
    periods: dict[int, np.ndarray]  # account -> seconds between its consecutive reads
    holders: dict[int, str]  # account -> its collector at the end
    moves: int  # lease changes of holder seen during the span
    errors: dict[int, str]
    rss: dict[str, tuple[int, int]]  # collector -> (VmRSS at the end, the most seen) in bytes
    machine: float  # CPU seconds the whole machine was busy, every process's


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


def _report(title: str, span: Span, collectors: dict[str, str]) -> list[str]:
    """Lines of figures: per collector (its holder name -> a label), then the store's."""
    lines = [f"{title} — {span.seconds:.0f} s measured"]
    held = Counter(span.holders.values())
    for holder, label in collectors.items():
        mine = [a for a, h in span.holders.items() if h == holder]
        gaps = np.concatenate([span.periods[a] for a in mine if a in span.periods] or [[]])
        unread = [a for a in mine if len(span.periods.get(a, ())) == 0]
        cpu = span.cpu[label]
        if len(gaps):
            period, p95 = float(np.median(gaps)), float(np.percentile(gaps, 95))
            cycles = span.seconds / period
            lines.append(
                f"  {label}: {held[holder]} accounts; refresh period median {period:.2f} s, "
                f"p95 {p95:.2f} s, max {gaps.max():.2f} s (interval {INTERVAL:g} s: read + "
                f"store + recompute {period - INTERVAL:.2f} s); CPU {cpu / span.seconds:.2f} "
                f"core = {cpu / cycles:.2f} CPU s per cycle; RSS {_mb(span.rss[label])}; "
                f"{len(unread)} account(s) with under two reads in the span"
            )
        else:
            lines.append(f"  {label}: {held[holder]} accounts, NO read twice in the span")
    lines += _cpu_lines(span, list(collectors.values()))
    grown = span.after.database_bytes - span.before.database_bytes
    rows = {t: span.after.rows[t] - span.before.rows[t] for t in span.after.rows}
    per_table = ", ".join(
        f"{t} {(span.after.table_bytes.get(t, 0) - span.before.table_bytes.get(t, 0)) / 1e6:+.1f}"
        " MB"
        for t in sorted(span.after.table_bytes)
        if span.after.table_bytes.get(t, 0) != span.before.table_bytes.get(t, 0)
    )
    lines.append(
        f"  database: {span.before.database_bytes / 1e6:.1f} -> "
        f"{span.after.database_bytes / 1e6:.1f} MB, {grown / span.seconds * HOUR / 1e6:.1f} MB/h"
        f" = {grown / span.seconds * DAY / 1e9:.2f} GB/day ({per_table})"
    )
    lines.append(
        "  rows written: "
        + ", ".join(f"{t} {n / span.seconds:,.0f}/s" for t, n in rows.items())
        + f" (total {sum(rows.values()) / span.seconds:,.0f}/s); lease moves {span.moves}; "
        f"{len(span.errors)} account(s) with a failed read"
        + (
            f" ({_error_kinds(span.errors)}), e.g. {next(iter(span.errors.values()))[:200]}"
            if span.errors
            else ""
        )
    )
    return lines


def _mb(rss: tuple[int, int]) -> str:
    return f"{rss[0] / 1e6:.0f} MB at the end, {rss[1] / 1e6:.0f} MB most seen"


def _cpu_lines(span: Span, collectors: list[str]) -> list[str]:
    """Who took the machine's cores in the span: the collectors, the venues (together and
    each), PostgreSQL, this process, and the rest of the machine (other programs; a venue or
    PostgreSQL backend that ended, uncounted above)."""

    def cores(seconds: float) -> float:
        return seconds / span.seconds

    venues = {n: c for n, c in span.cpu.items() if n.startswith("venue")}
    named = {
        "collectors": sum(span.cpu[c] for c in collectors),
        "venues": sum(venues.values()),
        "postgresql": span.cpu["postgresql"],
        "bench": span.cpu["bench"],
    }
    each = ", ".join(f"{cores(c):.2f}" for c in venues.values())
    reads = span.after.rows["account_health"] - span.before.rows["account_health"]
    per_read = (
        f"per read (a stored account_health row, {reads / span.seconds:.1f}/s): collectors "
        f"{named['collectors'] / reads * 1000:.0f} ms, venues {named['venues'] / reads * 1000:.0f}"
        f" ms, postgresql {named['postgresql'] / reads * 1000:.0f} ms of CPU"
        if reads
        else "no account_health row stored"
    )
    return [
        f"  CPU (cores): collectors {cores(named['collectors']):.2f}; venues "
        f"{cores(named['venues']):.2f} ({len(venues)} processes: {each}); postgresql "
        f"{cores(named['postgresql']):.2f}; this bench {cores(named['bench']):.2f}; the rest "
        f"of the machine {cores(span.machine - sum(named.values())):.2f}; machine busy "
        f"{cores(span.machine):.2f} of {os.cpu_count()}",
        f"  CPU {per_read}",
    ]


def _error_kinds(errors: dict[int, str]) -> str:
    """The failed reads' reasons, grouped by their first words (the exception's name)."""
    kinds = Counter(e.split(":")[0].split(" ")[0][:60] for e in errors.values())
    return ", ".join(f"{n} x {k}" for k, n in kinds.most_common(4))


def _stderr_summary(procs: list[Proc]) -> list[str]:
    """The collectors' stderr in brief: its size, tracebacks, and the commonest last lines
    (an exception's own line, the account named in it left out to group them)."""
    errors = [line for p in procs for line in p.errors]
    said = Counter(
        re.sub(r"account '[^']*'", "account '…'", re.sub(r":\d+/", ":PORT/", line.strip()))
        for line in errors
        if line.strip() and not line.startswith((" ", "Traceback"))
    )
    tracebacks = sum(line.startswith("Traceback") for line in errors)
    lines = [f"collectors' stderr: {len(errors)} line(s), {tracebacks} traceback(s)"]
    return lines + [f"  {n} x {text[:200]}" for text, n in said.most_common(6)]


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
        lines += _report(f"two collectors, {ACCOUNTS} accounts", two, holder_of)

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
        lines += _report(f"one collector, {ACCOUNTS} accounts", one, {alone: "collector A"})
        lines += _stderr_summary(procs)
    finally:
        print("\n" + "\n".join(lines))
        for proc in reversed(procs):
            proc.stop()
        db.close()
        fleet.stop()
    assert two.periods and one.periods, "no account was read twice in a span"
