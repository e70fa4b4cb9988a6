"""Positions: live ones (replaced whole at every refresh), manual ones, and hypothetical ones
(what-ifs that can be switched off), and the domain Account they make up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.domain.model import Account, Position
from monitor.store.accounts import account_row
from monitor.store.errors import StoreError
from monitor.store.live_reads import write_pools
from monitor.store.models import PositionRow
from monitor.store.pools import pool_account, pool_of, pool_records
from monitor.store.position_rows import fill_row, stored_position, to_position
from monitor.store.records import PositionKind, StoredPosition

if TYPE_CHECKING:
    from monitor.store.database import Database


def _rows(session: Session, account_id: int) -> Sequence[PositionRow]:
    # Insertion order is the trader's order (a portfolio file's order survives a round trip).
    query = select(PositionRow).where(PositionRow.account_id == account_id)
    return session.scalars(query.order_by(PositionRow.id)).all()


def add_position(
    session: Session,
    account_id: int,
    position: Position,
    kind: PositionKind,
    pool: str | None = None,
    typed_at: float | None = None,
) -> int:
    row = stage_position(session, account_id, position, kind, pool)
    row.mark_typed_at = typed_at
    session.flush()
    return row.id


def stage_position(
    session: Session,
    account_id: int,
    position: Position,
    kind: PositionKind,
    pool: str | None = None,
) -> PositionRow:
    """Add a row without flushing: a refresh's positions go in together at the next flush
    (one INSERT, not a round trip each)."""
    row = fill_row(PositionRow(account_id=account_id, kind=kind, enabled=True, pool=pool), position)
    session.add(row)
    return row


def load_account(session: Session, account_id: int, with_hypothetical: bool = True) -> Account:
    """The account's first pool (a single-pool account: the account); see load_pools."""
    return load_pools(session, account_id, with_hypothetical)[0]


def load_pools(
    session: Session, account_id: int, with_hypothetical: bool = True
) -> tuple[Account, ...]:
    """Every margin pool of the account as the engine evaluates it, named "account · pool"
    when there are several; positions go to their pool (a what-if to the pool of its settle
    currency)."""
    account = account_row(session, account_id)
    pools = pool_records(account)
    if not pools:
        raise StoreError(f"account '{account.name}': no wallet balance yet (never fetched)")
    members: dict[str, list[Position]] = {p.name: [] for p in pools}
    for r in _rows(session, account_id):
        if r.kind == "hypothetical" and not (with_hypothetical and r.enabled):
            continue
        position = to_position(r)
        members[pool_of(position, r.pool, [p.name for p in pools])].append(position)
    return tuple(
        pool_account(
            account.name,
            account.venue,
            account.collateral,
            p,
            len(pools),
            tuple(members[p.name]),
        )
        for p in pools
    )


class PositionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def list(self, account_id: int) -> tuple[StoredPosition, ...]:
        """Every position of the account, switched-off hypotheticals included."""
        with self._db.read() as s:
            account_row(s, account_id)
            return tuple(stored_position(r) for r in _rows(s, account_id))

    def account(self, account_id: int, *, with_hypothetical: bool = True) -> Account:
        """The Account the engine evaluates: live or manual positions plus the hypotheticals
        that are switched on (`with_hypothetical=False`: the baseline without any)."""
        with self._db.read() as s:
            return load_account(s, account_id, with_hypothetical)

    def replace_live(
        self,
        account_id: int,
        wallet_balance: float,
        positions: Sequence[Position],
        fetched_at: float,
        exchange_health_ratio: float | None = None,
    ) -> None:
        """Swap in a refresh's positions and wallet in one transaction (readers see the old
        set or the new, never a mix). The exchange's own liquidation prices travel in
        Position.exchange_liquidation_price; its pool ratio in `exchange_health_ratio`."""
        with self._db.write() as s:
            account = account_row(s, account_id)
            s.execute(
                delete(PositionRow).where(
                    PositionRow.account_id == account_id, PositionRow.kind == "live"
                )
            )
            for p in positions:
                add_position(s, account_id, p, "live")
            account.wallet_balance = wallet_balance
            account.positions_fetched_at = fetched_at
            account.exchange_health_ratio = exchange_health_ratio
            account.pools = None

    def replace_pools(self, account_id: int, pools: Sequence[Account], fetched_at: float) -> None:
        """Swap in a refresh of every margin pool (positions, wallets, collateral, the venue's
        figures) in one transaction. The first pool's wallet and ratio also stand on the
        account row, for readers of a single-pool account."""
        with self._db.write() as s:
            write_pools(s, account_id, pools, fetched_at)

    def save(
        self,
        account_id: int,
        position: Position,
        position_id: int | None = None,
        typed_at: float | None = None,
    ) -> int:
        """Insert (no id) or update a manual position, or a hypothetical one when
        `position.hypothetical`; returns its id. Live positions belong to the refresh.
        `typed_at` is when the trader typed it: its mark's time, kept while the mark stays."""
        kind: PositionKind = "hypothetical" if position.hypothetical else "manual"
        with self._db.write() as s:
            account_row(s, account_id)
            if position_id is None:
                return add_position(s, account_id, position, kind, typed_at=typed_at)
            row = self._own_row(s, account_id, position_id)
            if row.kind == "live":
                raise StoreError(f"position #{position_id}: live positions come from the venue")
            if row.mark_price != position.mark_price:
                row.mark_typed_at = typed_at
            row.kind = kind
            fill_row(row, position)
            return row.id

    def set_marks(self, account_id: int, marks: Mapping[str, float]) -> int:
        """The typed (manual and hypothetical) positions of these symbols take these marks
        (a venue's: no longer typed), in one transaction; returns how many changed. Live
        positions belong to the refresh."""
        with self._db.write() as s:
            account_row(s, account_id)
            rows = [r for r in _rows(s, account_id) if r.kind != "live" and r.symbol in marks]
            for row in rows:
                row.mark_price = marks[row.symbol]
                row.mark_typed_at = None
            return len(rows)

    def delete(self, account_id: int, position_id: int) -> None:
        with self._db.write() as s:
            s.delete(self._own_row(s, account_id, position_id))

    def set_enabled(self, account_id: int, position_id: int, enabled: bool) -> None:
        """Switch a hypothetical position on or off."""
        with self._db.write() as s:
            row = self._own_row(s, account_id, position_id)
            if row.kind != "hypothetical":
                raise StoreError(
                    f"position #{position_id}: only hypothetical positions can be switched off"
                )
            row.enabled = enabled

    @staticmethod
    def _own_row(session: Session, account_id: int, position_id: int) -> PositionRow:
        row = session.get(PositionRow, position_id)
        if row is None or row.account_id != account_id:
            raise StoreError(f"account #{account_id}: no position #{position_id}")
        return row
