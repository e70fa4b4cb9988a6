"""Several venue reads' rows in a few statements for them all, inside the caller's transaction.

Reads that finish together were stored one after another, ~7 statements each (live_reads.py):
140 statements for 20 accounts, each a round trip on PostgreSQL and each built anew, on the
path from the last answer to the published figures. Here the batch is: one executemany UPDATE
of the account rows, one DELETE and one multi-row INSERT of all their live positions, each
venue's marks once (the last read's price of each symbol, as storing them in turn leaves
it), and the status rows (one executemany UPDATE; a SELECT and an INSERT only for new ones).
Values are checked as one read's are (limits.check_values): a bad one is the same StoreError
naming its column. The caller runs this in the batch's transaction and, if it fails, rolls
that back and stores the reads one by one, so that the read that cannot be stored fails alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from monitor.domain.model import Account
from monitor.store.errors import StoreError
from monitor.store.limits import check_values
from monitor.store.models import AccountRow, PositionRow, SourceStatusRow
from monitor.store.pools import pool_name, pools_to_json
from monitor.store.position_rows import row_values

_ACCOUNTS = cast(Table, AccountRow.__table__)
_POSITIONS = cast(Table, PositionRow.__table__)
_STATUS = cast(Table, SourceStatusRow.__table__)
# executemany UPDATEs: each row's key and values as bound parameters of their own names.
_ACCOUNT_UPDATE = (
    update(_ACCOUNTS)
    .where(_ACCOUNTS.c.id == bindparam("b_id"))
    .values(
        wallet_balance=bindparam("b_wallet"),
        exchange_health_ratio=bindparam("b_ratio"),
        positions_fetched_at=bindparam("b_at"),
        pools=bindparam("b_pools", type_=_ACCOUNTS.c.pools.type),
    )
)
_STATUS_UPDATE = (
    update(_STATUS)
    .where(_STATUS.c.account_id == bindparam("b_id"))
    .values(last_success=bindparam("b_at"))
)


@dataclass(frozen=True)
class PoolsRead:
    """One account's read: its margin pools (positions, wallets, the venue's figures)."""

    account_id: int
    pools: Sequence[Account]
    fetched_at: float


def write_many_pools(session: Session, reads: Sequence[PoolsRead]) -> None:
    """Replace each account's live positions and pools (wallets, collateral, the venue's
    figures; the first pool's wallet and ratio also stand on the account row); StoreError if a
    value cannot be stored or an account is gone (nothing written)."""
    if not reads:
        return
    accounts = []
    rows = []
    for read in reads:
        pools, account_id = read.pools, read.account_id
        if not pools:
            raise StoreError(f"account #{account_id}: a refresh without any margin pool")
        account = {
            "wallet_balance": pools[0].wallet_balance,
            "exchange_health_ratio": pools[0].exchange_health_ratio,
            "positions_fetched_at": read.fetched_at,
            "pools": pools_to_json(pools),
        }
        check_values(AccountRow, account)
        accounts.append(
            {
                "b_id": account_id,
                "b_wallet": account["wallet_balance"],
                "b_ratio": account["exchange_health_ratio"],
                "b_at": account["positions_fetched_at"],
                "b_pools": account["pools"],
            }
        )
        for pool in pools:
            name = pool_name(pool)
            for p in pool.positions:
                row = {
                    **row_values(p),
                    "account_id": account_id,
                    "kind": "live",
                    "enabled": True,
                    "pool": name,
                    "mark_typed_at": None,
                }
                check_values(PositionRow, row)
                rows.append(row)
    ids = [read.account_id for read in reads]
    if len(set(ids)) != len(ids):  # one account twice: its two reads in turn, not merged
        raise StoreError("a batch holds two reads of one account")
    conn = session.connection()
    done = conn.execute(_ACCOUNT_UPDATE, accounts)
    if not conn.dialect.supports_sane_multi_rowcount or done.rowcount != len(ids):
        found = set(conn.execute(select(_ACCOUNTS.c.id).where(_ACCOUNTS.c.id.in_(ids))).scalars())
        gone = [account_id for account_id in ids if account_id not in found]
        if gone:
            raise StoreError(f"account #{gone[0]}: no such account")
    conn.execute(
        delete(_POSITIONS).where(_POSITIONS.c.account_id.in_(ids), _POSITIONS.c.kind == "live")
    )
    if rows:
        conn.execute(insert(_POSITIONS), rows)


def write_many_success(session: Session, answered: Mapping[int, float]) -> None:
    """Each account's source answered at its time (account id -> at); the accounts exist
    (write_many_pools checked them in the same transaction)."""
    if not answered:
        return
    conn = session.connection()
    ids = list(answered)
    # Each account has its row after its first read: one UPDATE, whose count says so.
    done = conn.execute(_STATUS_UPDATE, [{"b_id": a, "b_at": at} for a, at in answered.items()])
    if conn.dialect.supports_sane_multi_rowcount and done.rowcount == len(ids):
        return
    query = select(_STATUS.c.account_id).where(_STATUS.c.account_id.in_(ids))
    known = set(conn.execute(query).scalars())
    new = [{"account_id": a, "last_success": answered[a]} for a in ids if a not in known]
    if new:
        conn.execute(insert(_STATUS), new)
