"""Thinning old history: beyond the retention window keep one row per hour, not every one.

Which row stays: for account health the *worst* of the hour (lowest health ratio; no
requirement counts as best; ties keep the earliest), because a risk chart must not lose the
near-misses; for position marks the last of the hour. Thinning twice changes nothing.
Grouping is done in numpy rather than SQL, since hour-bucketing arithmetic is not portable
between SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.store.models import HealthRow, PositionMarkRow

BUCKET_SECONDS = 3600.0
_DELETE_CHUNK = 500  # ids per DELETE ... IN (...), well inside every backend's parameter limit


def _first_of_groups(keys: Sequence[np.ndarray]) -> np.ndarray:
    """Mask of rows that start a new group, rows already sorted by `keys`."""
    start = np.zeros(len(keys[0]), dtype=bool)
    if len(start):
        start[0] = True
    for key in keys:
        start[1:] |= key[1:] != key[:-1]
    return start


def _delete_ids(
    session: Session, table: type[HealthRow] | type[PositionMarkRow], ids: np.ndarray
) -> None:
    for i in range(0, len(ids), _DELETE_CHUNK):
        chunk = [int(x) for x in ids[i : i + _DELETE_CHUNK]]
        session.execute(delete(table).where(table.id.in_(chunk)))


def _thin_health(session: Session, cutoff: float) -> int:
    rows = session.execute(
        select(HealthRow.id, HealthRow.account_id, HealthRow.at, HealthRow.health_ratio).where(
            HealthRow.at < cutoff
        )
    ).all()
    if not rows:
        return 0
    table = np.array(rows, dtype=np.float64)
    ids, account, at, health = table.T
    bucket = np.floor(at / BUCKET_SECONDS)
    worst_first = np.where(np.isnan(health), np.inf, health)
    order = np.lexsort((at, worst_first, bucket, account))
    keep = _first_of_groups([account[order], bucket[order]])
    doomed = ids[order][~keep].astype(np.int64)
    _delete_ids(session, HealthRow, doomed)
    return len(doomed)


def _thin_marks(session: Session, cutoff: float) -> int:
    rows = session.execute(
        select(
            PositionMarkRow.id,
            PositionMarkRow.account_id,
            PositionMarkRow.symbol,
            PositionMarkRow.side,
            PositionMarkRow.at,
        )
        .where(PositionMarkRow.at < cutoff)
        .order_by(
            PositionMarkRow.account_id,
            PositionMarkRow.symbol,
            PositionMarkRow.side,
            PositionMarkRow.at.desc(),
        )
    ).all()
    kept: set[tuple[int, str, str, float]] = set()
    doomed = []
    for row_id, account_id, symbol, side, at in rows:
        key = (account_id, symbol, side, float(np.floor(at / BUCKET_SECONDS)))
        if key in kept:
            doomed.append(row_id)
        else:
            kept.add(key)  # rows come latest first: the first seen is the hour's last
    _delete_ids(session, PositionMarkRow, np.array(doomed, dtype=np.int64))
    return len(doomed)


def thin_history(session: Session, cutoff: float) -> int:
    """Thin both history tables before `cutoff` (epoch seconds); returns rows removed."""
    return _thin_health(session, cutoff) + _thin_marks(session, cutoff)
