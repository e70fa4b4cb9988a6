"""App settings kept in the database (so the service and the CLI agree on them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.store.errors import StoreError
from monitor.store.models import SettingRow

if TYPE_CHECKING:
    from monitor.store.database import Database

RETENTION_DAYS_KEY = "history.retention_days"
DEFAULTS: dict[str, Any] = {RETENTION_DAYS_KEY: 90}


class SettingsStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> Any:
        """The stored value, else the default; an unknown key is a StoreError."""
        if key not in DEFAULTS:
            raise StoreError(f"setting '{key}': unknown (known: {', '.join(sorted(DEFAULTS))})")
        with self._db.read() as s:
            row = s.get(SettingRow, key)
            return DEFAULTS[key] if row is None else row.value

    def set(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise StoreError(f"setting '{key}': unknown (known: {', '.join(sorted(DEFAULTS))})")
        with self._db.write() as s:
            row = s.get(SettingRow, key)
            if row is None:
                s.add(SettingRow(key=key, value=value))
            else:
                row.value = value
