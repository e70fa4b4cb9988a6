"""Account health per minute: what a chart of hours or days draws, kept as rows are written.

A chart is at most a few thousand pixels wide; a day of 1-s history is 86,400 rows, a week
604,800. Reading them all to draw a line costs far more than the chart can show. Each minute
keeps its lowest and highest health ratio with their times — the worst health is never
averaged away — and the time of its first row without a ratio, which the chart shows as a gap.
Wider buckets are made from minutes the same way (`envelope`): the lowest of lows, the highest
of highs, the first gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, delete, select

from monitor.store.bulk_insert import insert_rows
from monitor.store.models import HealthMinuteRow

MINUTE = 60.0
COLUMNS = ("first_at", "last_at", "low", "low_at", "high", "high_at", "gap_at")
# One minute's figures, in COLUMNS order (a list: folded in place).
Figures = list[Any]


def fold(rows: Sequence[tuple[Any, ...]]) -> dict[tuple[int, float], Figures]:
    """(account_id, at, margin_balance, maintenance, health_ratio) rows, by account and
    minute. In numpy, one sort and a few passes: a bulk load folds hundreds of thousands of
    rows at a time, and this is a fifth of its cost."""
    if not rows:
        return {}
    # Only the three columns used, each on its own: a 2-D array of all five costs 4x more.
    count = len(rows)
    account = np.fromiter(map(itemgetter(0), rows), dtype=np.float64, count=count)
    at = np.fromiter(map(itemgetter(1), rows), dtype=np.float64, count=count)
    ratio = np.array([row[4] for row in rows], dtype=np.float64)  # None (no ratio): NaN
    minute = at - at % MINUTE
    # Each (account, minute) group in time order (ties: as given), so that "the first row
    # of a group that ..." is the earliest one.
    order = np.lexsort((at, minute, account))
    account, at, ratio, minute = account[order], at[order], ratio[order], minute[order]
    starts = np.flatnonzero(
        np.r_[True, (account[1:] != account[:-1]) | (minute[1:] != minute[:-1])]
    )
    sizes = np.diff(np.r_[starts, len(at)])
    missing = np.isnan(ratio)
    low_key = np.where(missing, np.inf, ratio)  # a row without a ratio is never the lowest
    high_key = np.where(missing, -np.inf, ratio)
    low = _first_where(low_key == np.repeat(np.minimum.reduceat(low_key, starts), sizes), starts)
    high = _first_where(high_key == np.repeat(np.maximum.reduceat(high_key, starts), sizes), starts)
    gap = _first_where(missing, starts)
    known = ~missing[low]  # a group whose lowest is a row without a ratio has none
    nothing = np.full(len(starts), np.nan)
    columns = (
        at[starts],
        at[np.r_[starts[1:], len(at)] - 1],
        np.where(known, ratio[low], nothing),
        np.where(known, at[low], nothing),
        np.where(known, ratio[high], nothing),
        np.where(known, at[high], nothing),
        np.where(missing[gap], at[gap], nothing),
    )
    keys = zip(account[starts].astype(np.int64).tolist(), minute[starts].tolist(), strict=True)
    figures = zip(*(column.tolist() for column in columns), strict=True)
    return {
        key: [None if value != value else value for value in values]  # NaN: None (NULL)
        for key, values in zip(keys, figures, strict=True)
    }


def _first_where(chosen: NDArray[np.bool_], starts: NDArray[np.intp]) -> NDArray[np.intp]:
    """Per group (a run beginning at `starts`): the index of its first chosen row, or of its
    first row if none is chosen."""
    index = np.arange(len(chosen))
    first: NDArray[np.intp] = np.minimum.reduceat(np.where(chosen, index, len(chosen)), starts)
    return np.where(first == len(chosen), starts, first)


def merge(a: Figures, b: Figures) -> Figures:
    """One minute's figures from two parts of it (in either order)."""
    first, second = (a, b) if a[0] <= b[0] else (b, a)
    low = min(
        (p for p in (first, second) if p[2] is not None),
        key=lambda p: (p[2], p[3]),
        default=None,
    )
    high = max(
        (p for p in (first, second) if p[4] is not None),
        key=lambda p: (p[4], -p[5]),
        default=None,
    )
    gaps = [p[6] for p in (first, second) if p[6] is not None]
    return [
        first[0],
        max(first[1], second[1]),
        None if low is None else low[2],
        None if low is None else low[3],
        None if high is None else high[4],
        None if high is None else high[5],
        min(gaps) if gaps else None,
    ]


def store(connection: Connection, minutes: dict[tuple[int, float], Figures]) -> None:
    """Fold `minutes` into the stored ones: the stored rows in their span are read, merged,
    deleted and written back (one statement each, whatever the number of accounts)."""
    if not minutes:
        return
    accounts = sorted({account_id for account_id, _ in minutes})
    first = min(minute for _, minute in minutes)
    last = max(minute for _, minute in minutes)
    span = (
        HealthMinuteRow.account_id.in_(accounts),
        HealthMinuteRow.minute >= first,
        HealthMinuteRow.minute <= last,
    )
    table = HealthMinuteRow.__table__
    stored = connection.execute(
        select(table.c.account_id, table.c.minute, *(table.c[c] for c in COLUMNS)).where(*span)
    ).all()
    merged = dict(minutes)
    for account_id, minute, *figures in stored:
        key = (account_id, minute)
        merged[key] = merge(figures, merged[key]) if key in merged else list(figures)
    if stored:
        connection.execute(delete(HealthMinuteRow).where(*span))
    insert_rows(
        connection,
        HealthMinuteRow,
        ("account_id", "minute", *COLUMNS),
        [(account_id, minute, *f) for (account_id, minute), f in merged.items()],
    )


def rebuild_minutes(connection: Connection, chunk: int = 200_000) -> None:
    """Make every minute anew from account_health (the migration that adds the table)."""
    connection.execute(delete(HealthMinuteRow))
    result = connection.exec_driver_sql(
        "SELECT account_id, at, margin_balance, maintenance, health_ratio "
        "FROM account_health ORDER BY account_id, at"
    )
    while rows := result.fetchmany(chunk):
        store(connection, fold(rows))


def read(
    connection: Connection, account_id: int, since: float, until: float
) -> NDArray[np.float64]:
    """The account's minutes that overlap [since, until], in time order: one row each, in
    COLUMNS order, None as NaN."""
    table = HealthMinuteRow.__table__
    rows = connection.execute(
        select(*(table.c[c] for c in COLUMNS))
        .where(
            table.c.account_id == account_id,
            table.c.minute >= since - since % MINUTE,
            table.c.minute <= until,
        )
        .order_by(table.c.minute)
    ).all()
    return np.array(list(map(tuple, rows)), dtype=np.float64).reshape(len(rows), len(COLUMNS))


def envelope(
    minutes: NDArray[np.float64], since: float, width: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Points for a chart from minutes, in buckets of `width` seconds from `since`: each
    bucket's lowest and highest ratio at their own times, and NaN at its first gap; in time
    order."""
    if not len(minutes):
        return np.empty(0), np.empty(0)
    first_at, _, low, low_at, high, high_at, gap_at = minutes.T
    bucket = np.floor(((first_at - first_at % MINUTE) - since) / width)  # by the minute's start
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    # Per bucket: the minute with the lowest low (NaN: no ratio, never the lowest), ...
    lows = _arg_per_bucket(np.where(np.isnan(low), np.inf, low), starts)
    highs = _arg_per_bucket(np.where(np.isnan(high), -np.inf, -high), starts)
    gaps = _arg_per_bucket(np.where(np.isnan(gap_at), np.inf, gap_at), starts)
    t = np.concatenate([low_at[lows], high_at[highs], gap_at[gaps]])
    h = np.concatenate([low[lows], high[highs], np.full(len(gaps), np.nan)])
    keep = ~np.isnan(t)  # a bucket without ratios has no low/high; one without gaps no gap
    t, h = t[keep], h[keep]
    order = np.lexsort((h, t))
    t, h = t[order], h[order]
    once = np.r_[True, (t[1:] != t[:-1]) | ~_same(h[1:], h[:-1])]  # low == high: one point
    return t[once], h[once]


def _arg_per_bucket(values: NDArray[np.float64], starts: NDArray[np.intp]) -> NDArray[np.intp]:
    """Index of the smallest value in each run that begins at `starts` (the first of ties)."""
    ends = np.r_[starts[1:], len(values)]
    return np.array(
        [s + int(np.argmin(values[s:e])) for s, e in zip(starts, ends, strict=True)],
        dtype=np.intp,
    )


def _same(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.bool_]:
    same: NDArray[np.bool_] = (a == b) | (np.isnan(a) & np.isnan(b))
    return same
