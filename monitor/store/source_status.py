"""Per account: when its source last answered, and when and why it last failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from monitor.store.accounts import account_row
from monitor.store.live_reads import write_success
from monitor.store.models import SourceStatusRow
from monitor.store.records import SourceStatusRecord

if TYPE_CHECKING:
    from monitor.store.database import Database


def _row(session: Session, account_id: int) -> SourceStatusRow:
    account_row(session, account_id)
    row = session.get(SourceStatusRow, account_id)
    if row is None:
        row = SourceStatusRow(account_id=account_id)
        session.add(row)
    return row


class SourceStatusStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def set_success(self, account_id: int, at: float) -> None:
        with self._db.write() as s:
            write_success(s, account_id, at)

    def set_error(self, account_id: int, at: float, message: str) -> None:
        """Record a failure; the last success (and so the data's age) is kept."""
        with self._db.write() as s:
            row = _row(s, account_id)
            row.last_error_at = at
            row.last_error = message

    def get(self, account_id: int) -> SourceStatusRecord:
        with self._db.read() as s:
            account_row(s, account_id)
            row = s.get(SourceStatusRow, account_id)
            if row is None:
                return SourceStatusRecord(account_id)
            return SourceStatusRecord(
                account_id, row.last_success, row.last_error_at, row.last_error
            )
