"""Persistence: one SQLAlchemy database holding accounts, positions, market data, history,
alerts and source status. Open it with `open_database`; use its area stores
(`db.accounts`, `db.positions`, `db.market`, `db.history`, `db.alerts`, `db.source_status`,
`db.settings`). Everything returned is a frozen dataclass or a domain object."""

from monitor.store.accounts import KEEP
from monitor.store.database import Database, open_database
from monitor.store.errors import MissingDatabase, StoreError
from monitor.store.location import ENV_VAR, default_path, resolve_url
from monitor.store.records import (
    AccountKind,
    AccountRecord,
    AlertRecord,
    HealthSample,
    HealthSeries,
    MarkSeries,
    PositionKind,
    PositionMark,
    PriceRecord,
    SourceStatusRecord,
    StoredPosition,
)
from monitor.store.settings import RETENTION_DAYS_KEY

__all__ = [
    "ENV_VAR",
    "KEEP",
    "RETENTION_DAYS_KEY",
    "AccountKind",
    "AccountRecord",
    "AlertRecord",
    "Database",
    "HealthSample",
    "HealthSeries",
    "MarkSeries",
    "MissingDatabase",
    "PositionKind",
    "PositionMark",
    "PriceRecord",
    "SourceStatusRecord",
    "StoreError",
    "StoredPosition",
    "default_path",
    "open_database",
    "resolve_url",
]
