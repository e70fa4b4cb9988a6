"""One recompute's history for several accounts in a few statements for them all.

The service writes each due account's figures and position marks once a second. Asked account
by account, that was a SELECT of the last stored figures, then a SELECT of the recent marks and
an INSERT, per account: 60 statements for 20 accounts, each a round trip on PostgreSQL, on the
store thread the next batch of reads waits for. Here: one SELECT of every account's last
figures, one of every account's recent marks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Select, Table, func, select, union_all

from monitor.store.models import HealthRow, PositionMarkRow
from monitor.store.records import PositionMark

_HEALTH = cast(Table, HealthRow.__table__)
_MARKS = cast(Table, PositionMarkRow.__table__)


def last_figures_of(
    connection: Connection, account_ids: Sequence[int]
) -> dict[int, tuple[Any, ...] | None]:
    """Each account's last stored (margin balance, maintenance, health ratio), None for an
    account with none: one statement, each account's part one step down its (account, at)
    index — never a scan of its history, which holds up to a row a second."""
    ids = sorted(set(account_ids))
    last: dict[int, tuple[Any, ...] | None] = dict.fromkeys(ids)
    if not ids:
        return last
    parts = [_last_row(account_id) for account_id in ids]
    for account_id, *figures in connection.execute(union_all(*parts)):
        last[account_id] = tuple(figures)
    return last


def _last_row(account_id: int) -> Select[Any]:
    # A subquery of its own: SQLite takes no ORDER BY or LIMIT on a part of a UNION.
    last = (
        select(
            _HEALTH.c.account_id,
            _HEALTH.c.margin_balance,
            _HEALTH.c.maintenance,
            _HEALTH.c.health_ratio,
        )
        .where(_HEALTH.c.account_id == account_id)
        .order_by(_HEALTH.c.at.desc())
        .limit(1)
        .subquery()
    )
    return select(*last.c)


def due_marks(
    connection: Connection,
    marks: Sequence[tuple[int, float, Sequence[PositionMark]]],
    interval: float,
) -> list[tuple[Any, ...]]:
    """Of each (account id, at, its positions' marks), the rows due: a position's mark
    unless one was stored for it in the last `interval` seconds — one SELECT for them all."""
    if not marks:
        return []
    ids = sorted({account_id for account_id, _, _ in marks})
    since = min(at for _, at, _ in marks) - interval
    query = (
        select(_MARKS.c.account_id, _MARKS.c.symbol, _MARKS.c.side, func.max(_MARKS.c.at))
        .where(_MARKS.c.account_id.in_(ids), _MARKS.c.at > since)
        .group_by(_MARKS.c.account_id, _MARKS.c.symbol, _MARKS.c.side)
    )
    latest = {(a, symbol, side): at for a, symbol, side, at in connection.execute(query)}
    rows = []
    for account_id, at, positions in marks:  # one account's entries in time order
        due = [
            m
            for m in positions
            if latest.get((account_id, m.symbol, m.side), -math.inf) <= at - interval
        ]
        for m in due:
            rows.append((account_id, at, m.symbol, m.side, m.mark, m.liquidation_price))
            latest[(account_id, m.symbol, m.side)] = at  # a later entry's minute counts from it
    return rows
