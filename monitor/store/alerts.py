"""Alert events: an append-only log of what was raised, escalated, snoozed, acknowledged,
cleared, and of stale data and source errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from monitor.store.errors import StoreError
from monitor.store.models import AlertRow
from monitor.store.records import AlertRecord

if TYPE_CHECKING:
    from monitor.store.database import Database


def _record(row: AlertRow) -> AlertRecord:
    return AlertRecord(
        alert_id=row.id,
        account_id=row.account_id,
        position_key=row.position_key,
        kind=row.kind,
        level=row.level,
        message=row.message,
        at=row.at,
        until=row.until,
        acknowledged_at=row.acknowledged_at,
    )


class AlertStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def append(
        self,
        account_id: int | None,
        kind: str,
        level: str,
        message: str,
        at: float,
        *,
        position_key: str | None = None,
        until: float | None = None,
    ) -> int:
        """Log one event; `until` is the end of a snooze. Returns the event's id."""
        with self._db.write() as s:
            row = AlertRow(
                account_id=account_id,
                position_key=position_key,
                kind=kind,
                level=level,
                message=message,
                at=at,
                until=until,
            )
            s.add(row)
            s.flush()
            return row.id

    def recent(
        self, limit: int = 100, *, account_id: int | None = None, since: float | None = None
    ) -> tuple[AlertRecord, ...]:
        """Newest first."""
        query = select(AlertRow)
        if account_id is not None:
            query = query.where(AlertRow.account_id == account_id)
        if since is not None:
            query = query.where(AlertRow.at >= since)
        query = query.order_by(AlertRow.at.desc(), AlertRow.id.desc()).limit(limit)
        with self._db.read() as s:
            return tuple(_record(r) for r in s.scalars(query))

    def acknowledge(self, alert_id: int, at: float) -> None:
        with self._db.write() as s:
            row = s.get(AlertRow, alert_id)
            if row is None:
                raise StoreError(f"alert #{alert_id}: no such alert")
            row.acknowledged_at = at
