"""The desk benchmark's printout: what a measured span of a running desk came to, per
collector (refresh period, CPU, memory), who took the machine's cores, and the store's growth.
For tests/bench/test_desk_bench.py."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from tests.bench.desk import HISTORY_TABLES, StoreFigures
from tests.cli_process import Proc

HOUR, DAY = 3600.0, 86_400.0


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


def report(title: str, span: Span, collectors: dict[str, str], interval: float) -> list[str]:
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
                f"p95 {p95:.2f} s, max {gaps.max():.2f} s (interval {interval:g} s: read + "
                f"store + recompute {period - interval:.2f} s); CPU {cpu / span.seconds:.2f} "
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
    # The history tables only grow; the rest (positions above all, rewritten at each read)
    # grows by dead row versions until autovacuum reclaims them, so a short span's total
    # overstates a day's.
    history = sum(
        span.after.table_bytes.get(t, 0) - span.before.table_bytes.get(t, 0)
        for t in (*HISTORY_TABLES, "market_marks")
    )
    lines.append(
        f"  history tables (account_health, account_health_minutes, position_marks, "
        f"market_marks): {history / span.seconds * DAY / 1e9:.2f} GB/day"
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


def stderr_summary(procs: list[Proc]) -> list[str]:
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
