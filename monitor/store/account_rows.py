"""accounts table row -> AccountRecord, field for field. A row is read by its attributes: an
ORM AccountRow, or the driver's row of plain_read.py (no SQLAlchemy needed here)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from monitor.domain.model import Thresholds
from monitor.store.pools import pool_records
from monitor.store.records import AccountRecord

if TYPE_CHECKING:
    from monitor.store.models import AccountRow


def thresholds_of(row: AccountRow) -> Thresholds:
    """The row's alert thresholds; move levels a row has none of (written before 0004) are
    the defaults."""
    moves = {}
    if row.move_warning is not None:
        moves["move_warning"] = row.move_warning
    if row.move_critical is not None:
        moves["move_critical"] = row.move_critical
    return Thresholds(row.warning, row.critical, row.liquidation, **moves)


def to_record(row: AccountRow) -> AccountRecord:
    return AccountRecord(
        account_id=row.id,
        name=row.name,
        kind=row.kind,  # type: ignore[arg-type]  # checked on the way in
        venue=row.venue,
        collateral=row.collateral,
        settings=copy.deepcopy(row.settings),
        credentials_ref=row.credentials_ref,
        thresholds=thresholds_of(row),
        stale_after=row.stale_after,
        wallet_balance=row.wallet_balance,
        exchange_health_ratio=row.exchange_health_ratio,
        positions_fetched_at=row.positions_fetched_at,
        pools=pool_records(row),
    )
