"""A venue read's rows in a few bulk statements, inside the caller's transaction.

The ORM's unit of work (identity map, per-row flush, per-attribute history, a savepoint for
every store call a read made) cost ~13 ms of the store thread's time per account on SQLite and
26-33 ms on PostgreSQL: time taken from the interpreter while the next answers were being
parsed. Here one read is: one UPDATE of the account row, one DELETE and one multi-row INSERT
of its live positions, the marks (one SELECT, one UPDATE and one INSERT, each for all
symbols) and one UPDATE of its status — with the values checked exactly as the ORM's flush
checks them (limits.check_values), so a bad value is the same StoreError naming its column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from sqlalchemy import Table, Text, bindparam, insert, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from monitor.domain.model import Account
from monitor.store.account_rows import to_record
from monitor.store.accounts import account_row
from monitor.store.batch_writes import PoolsRead, write_many_pools
from monitor.store.limits import check_values
from monitor.store.models import AccountRow, MarkRow, PositionRow, SourceStatusRow
from monitor.store.position_rows import tiers_from_text, to_position
from monitor.store.records import AccountRecord, StoredPosition

_ACCOUNTS = cast(Table, AccountRow.__table__)
_POSITIONS = cast(Table, PositionRow.__table__)
_MARKS = cast(Table, MarkRow.__table__)
_STATUS = cast(Table, SourceStatusRow.__table__)
# executemany of an UPDATE: each row's key and values as bound parameters of their own names.
_MARK_UPDATE = (
    update(_MARKS)
    .where(_MARKS.c.venue == bindparam("b_venue"), _MARKS.c.symbol == bindparam("b_symbol"))
    .values(price=bindparam("b_price"), fetched_at=bindparam("b_at"))
)


def write_pools(
    session: Session, account_id: int, pools: Sequence[Account], fetched_at: float
) -> None:
    """Replace the account's live positions and pools (wallets, collateral, the venue's
    figures); the first pool's wallet and ratio also stand on the account row. One read of a
    batch's (batch_writes.py), in the same statements."""
    write_many_pools(session, [PoolsRead(account_id, pools, fetched_at)])


def write_marks(
    session: Session, venue: str, prices: Iterable[tuple[str, float]], fetched_at: float
) -> None:
    """Store (symbol, mark price) pairs fetched together from `venue`."""
    write_marks_at(session, venue, {s: (p, fetched_at) for s, p in prices})


def write_marks_at(session: Session, venue: str, latest: Mapping[str, tuple[float, float]]) -> None:
    """Store `venue`'s marks, symbol -> (price, fetched at): one UPDATE for all the symbols,
    and for symbols new to the store a SELECT and one INSERT."""
    if not latest:
        return
    for symbol in latest:
        check_values(MarkRow, {"venue": venue, "symbol": symbol})
    conn = session.connection()
    # Every symbol's row is there after a venue's first read: one UPDATE, whose count says
    # so; only when it falls short, a SELECT finds the symbols to insert.
    updates = [
        {"b_venue": venue, "b_symbol": s, "b_price": price, "b_at": at}
        for s, (price, at) in latest.items()
    ]
    done = conn.execute(_MARK_UPDATE, updates)
    if conn.dialect.supports_sane_multi_rowcount and done.rowcount == len(latest):
        return
    query = select(_MARKS.c.symbol).where(_MARKS.c.venue == venue, _MARKS.c.symbol.in_(latest))
    stored = set(conn.execute(query).scalars())
    new = [
        {"venue": venue, "symbol": s, "price": p, "fetched_at": at}
        for s, (p, at) in latest.items()
        if s not in stored
    ]
    if new:
        conn.execute(insert(_MARKS), new)


def write_success(session: Session, account_id: int, at: float) -> None:
    """The account's source answered at `at`."""
    conn = session.connection()
    query = update(_STATUS).where(_STATUS.c.account_id == account_id).values(last_success=at)
    if conn.execute(query).rowcount == 0:
        account_row(session, account_id)  # StoreError if the account is gone
        conn.execute(insert(_STATUS).values(account_id=account_id, last_success=at))


def read_books(
    session: Session, account_ids: Iterable[int]
) -> dict[int, tuple[AccountRecord, tuple[StoredPosition, ...]]]:
    """Each account's record and positions (insertion order), in two queries for them all;
    an account that is gone is left out."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    accounts = session.scalars(select(AccountRow).where(AccountRow.id.in_(ids))).all()
    positions: dict[int, list[StoredPosition]] = {a.id: [] for a in accounts}
    # Core rows, each tier table as its stored text, parsed once per distinct table
    # (tiers_from_text): the ORM's loading and a JSON parse of every position's table were
    # most of this read, which the refreshed figures wait for.
    tiers = sql_cast(_POSITIONS.c.maintenance_tiers, Text).label("tiers_text")
    columns = [c for c in _POSITIONS.c if c.name != "maintenance_tiers"]
    query = (
        select(*columns, tiers).where(_POSITIONS.c.account_id.in_(ids)).order_by(_POSITIONS.c.id)
    )
    for r in session.connection().execute(query):
        position = to_position(r, tiers_from_text(r.tiers_text))
        positions[r.account_id].append(
            StoredPosition(r.id, r.kind, r.enabled, position, r.pool, r.mark_typed_at)
        )
    return {a.id: (to_record(a), tuple(positions[a.id])) for a in accounts}
