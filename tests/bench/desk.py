"""Measuring a desk from outside: `margin-monitor` processes, their CPU time from /proc, and
what a PostgreSQL database holds and how much it grew. For tests/bench/test_desk_bench.py."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import text

from monitor.store.database import Database

TICKS = os.sysconf("SC_CLK_TCK")
# The tables a collector writes as it runs (the rest hold settings, accounts, leases).
HISTORY_TABLES = ("account_health", "account_health_minutes", "position_marks")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (/proc/PID/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime: fields 14 and 15


def rss_bytes(pid: int) -> int:
    """Resident memory of a process now (/proc/PID/status VmRSS, in kB there)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ValueError(f"no VmRSS in /proc/{pid}/status (a zombie?)")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores (/proc/stat's
    first line): what every process took, ours and others', beside what there was."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / TICKS, sum(fields) / TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its living children (PostgreSQL's backends are children
    of its postmaster); a child that ended meanwhile is missing from the sum."""
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            total += cpu_seconds(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def postmaster_pid(url: str) -> int:
    """The pid of the PostgreSQL server at `url` (its data directory's postmaster.pid)."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    return int((Path(row[0]) / "postmaster.pid").read_text().split()[0])


@dataclass(frozen=True)
class StoreFigures:
    database_bytes: int
    table_bytes: dict[str, int]
    rows: dict[str, int]


def store_figures(db: Database) -> StoreFigures:
    with db.read() as s:
        size = s.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        tables = {
            str(name): int(bytes_)
            for name, bytes_ in s.execute(
                text("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables")
            )
        }
        rows = {
            t: int(s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in HISTORY_TABLES
        }
    return StoreFigures(int(size), tables, rows)


def health_times(db: Database, since: float, until: float) -> dict[int, np.ndarray]:
    """Each account's account_health row times within [since, until], in order: a row is
    stored at each recompute whose figures changed, which with prices moving every second is
    every read."""
    by_account: dict[int, list[float]] = defaultdict(list)
    with db.read() as s:
        rows = s.execute(
            text(
                "SELECT account_id, at FROM account_health WHERE at >= :a AND at <= :b "
                "ORDER BY account_id, at"
            ),
            {"a": since, "b": until},
        )
        for account_id, at in rows:
            by_account[int(account_id)].append(float(at))
    return {a: np.array(t) for a, t in by_account.items()}


def read_errors(db: Database, since: float) -> dict[int, str]:
    """Accounts whose last failed read came after `since`, with its reason."""
    with db.read() as s:
        rows = s.execute(
            text("SELECT account_id, last_error FROM source_status WHERE last_error_at >= :since"),
            {"since": since},
        )
        return {int(a): str(e) for a, e in rows}


def read_since(db: Database, since: float) -> int:
    """How many accounts were read (successfully) after `since`: one query, not one each."""
    with db.read() as s:
        query = text("SELECT count(*) FROM source_status WHERE last_success > :since")
        return int(s.execute(query, {"since": since}).scalar_one())
