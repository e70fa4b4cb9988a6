"""The SQL statements a store action sends, for tests that hold a batch to a statement count."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from monitor.store.database import Database


def statements(db: Database, action: Callable[[], Any]) -> list[str]:
    """The statements `action` sends (an executemany counts once: one call, and with
    psycopg's pipeline one round trip for all its rows)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent
