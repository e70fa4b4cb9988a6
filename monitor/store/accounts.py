"""Accounts: who is monitored, where, with which settings and alert thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.domain.model import Thresholds
from monitor.store.account_rows import to_record
from monitor.store.errors import StoreError
from monitor.store.models import AccountRow
from monitor.store.records import (
    ACCOUNT_KINDS,
    DEFAULT_STALE_AFTER,
    AccountKind,
    AccountRecord,
)

if TYPE_CHECKING:
    from monitor.store.database import Database


class _Keep:
    """Marks an `update` argument that was not given (None is a real value there)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()


def account_row(session: Session, account_id: int) -> AccountRow:
    row = session.get(AccountRow, account_id)
    if row is None:
        raise StoreError(f"account #{account_id}: no such account")
    return row


def _write_thresholds(row: AccountRow, thresholds: Thresholds) -> None:
    row.warning = thresholds.warning
    row.critical = thresholds.critical
    row.liquidation = thresholds.liquidation
    row.move_warning = thresholds.move_warning
    row.move_critical = thresholds.move_critical


def add_account(
    session: Session,
    name: str,
    kind: AccountKind,
    *,
    venue: str | None = None,
    collateral: str | None = None,
    settings: Mapping[str, Any] | None = None,
    credentials_ref: str | None = None,
    thresholds: Thresholds = Thresholds(),
    stale_after: float = DEFAULT_STALE_AFTER,
    wallet_balance: float | None = None,
) -> int:
    if not name.strip():
        raise StoreError("account name: must be a non-empty string")
    if kind not in ACCOUNT_KINDS:
        raise StoreError(f"account '{name}': kind must be one of {', '.join(ACCOUNT_KINDS)}")
    if session.scalar(select(AccountRow.id).where(AccountRow.name == name)) is not None:
        raise StoreError(f"account '{name}': an account of that name already exists")
    row = AccountRow(
        name=name,
        kind=kind,
        venue=venue,
        collateral=collateral,
        settings=dict(settings or {}),
        credentials_ref=credentials_ref,
        stale_after=stale_after,
        wallet_balance=wallet_balance,
    )
    _write_thresholds(row, thresholds)
    session.add(row)
    session.flush()
    return row.id


class AccountStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        name: str,
        kind: AccountKind,
        *,
        venue: str | None = None,
        collateral: str | None = None,
        settings: Mapping[str, Any] | None = None,
        credentials_ref: str | None = None,
        thresholds: Thresholds = Thresholds(),
        stale_after: float = DEFAULT_STALE_AFTER,
        wallet_balance: float | None = None,
    ) -> int:
        """A new account's id; a name already taken is a StoreError."""
        with self._db.write() as s:
            return add_account(
                s, name, kind, venue=venue, collateral=collateral, settings=settings,
                credentials_ref=credentials_ref, thresholds=thresholds,
                stale_after=stale_after, wallet_balance=wallet_balance,
            )  # fmt: skip

    def list(self) -> tuple[AccountRecord, ...]:
        with self._db.read() as s:
            return tuple(
                to_record(r) for r in s.scalars(select(AccountRow).order_by(AccountRow.id))
            )

    def get(self, account_id: int) -> AccountRecord:
        with self._db.read() as s:
            return to_record(account_row(s, account_id))

    def by_name(self, name: str) -> AccountRecord | None:
        with self._db.read() as s:
            row = s.scalar(select(AccountRow).where(AccountRow.name == name))
            return None if row is None else to_record(row)

    def update(
        self,
        account_id: int,
        *,
        name: str | _Keep = KEEP,
        venue: str | _Keep | None = KEEP,
        collateral: str | _Keep | None = KEEP,
        settings: Mapping[str, Any] | _Keep = KEEP,
        credentials_ref: str | _Keep | None = KEEP,
        thresholds: Thresholds | _Keep = KEEP,
        stale_after: float | _Keep = KEEP,
        wallet_balance: float | _Keep | None = KEEP,
    ) -> AccountRecord:
        """Change the given fields only; returns the account as stored afterwards."""
        with self._db.write() as s:
            row = account_row(s, account_id)
            if not isinstance(name, _Keep):
                taken = s.scalar(select(AccountRow.id).where(AccountRow.name == name))
                if taken not in (None, account_id):
                    raise StoreError(f"account '{name}': an account of that name already exists")
                row.name = name
            if not isinstance(venue, _Keep):
                row.venue = venue
            if not isinstance(collateral, _Keep):
                row.collateral = collateral
            if not isinstance(settings, _Keep):
                row.settings = dict(settings)
            if not isinstance(credentials_ref, _Keep):
                row.credentials_ref = credentials_ref
            if not isinstance(thresholds, _Keep):
                _write_thresholds(row, thresholds)
            if not isinstance(stale_after, _Keep):
                row.stale_after = stale_after
            if not isinstance(wallet_balance, _Keep):
                row.wallet_balance = wallet_balance
            s.flush()
            return to_record(row)

    def remove(self, account_id: int) -> None:
        """Delete the account with its positions, history, alerts and status (cascade)."""
        with self._db.write() as s:
            account_row(s, account_id)
            s.execute(delete(AccountRow).where(AccountRow.id == account_id))
