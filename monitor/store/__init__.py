"""Persistence: one SQLAlchemy database holding accounts, positions, market data, history,
alerts and source status. Open it with `open_database`; use its area stores
(`db.accounts`, `db.positions`, `db.market`, `db.history`, `db.alerts`, `db.source_status`,
`db.settings`). Everything returned is a frozen dataclass or a domain object.

KEEP, Database, open_database and RETENTION_DAYS_KEY are imported on first use: they bring
SQLAlchemy, its ORM and the models (a third of a second), which the window's start does not
need to show the last stored book (plain_read.py reads it through the driver)."""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from monitor.store.accounts import KEEP
    from monitor.store.database import Database, open_database
    from monitor.store.settings import RETENTION_DAYS_KEY

_LAZY = {  # name: the module it comes from
    "KEEP": "monitor.store.accounts",
    "Database": "monitor.store.database",
    "open_database": "monitor.store.database",
    "RETENTION_DAYS_KEY": "monitor.store.settings",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'monitor.store' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


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
