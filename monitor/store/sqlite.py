"""SQLite as the store: a file, one writer (the service) beside readers (the CLI).

WAL journal, foreign keys on, synchronous=FULL so that a committed transaction survives a
crash, and explicit BEGINs so that every transaction — DDL in migrations included — is atomic
(the sqlite3 module would otherwise run DDL outside any transaction). A write transaction takes
the write lock up front (BEGIN IMMEDIATE), so two writers queue on the busy timeout instead of
failing mid-transaction; a read transaction's first statement fixes its snapshot of the file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event

from monitor.store.errors import MissingDatabase


def setup(engine: Engine, option: str) -> None:
    """`option`: the execution option that says "write" or "read" (database.py sets it)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(option) in ("write", "leases")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _on_disk(database: str | None) -> bool:
    return bool(database) and database != ":memory:" and not str(database).startswith("file:")


def check_exists(database: str | None) -> None:
    """MissingDatabase unless the file is there (a typo must not read as an empty book)."""
    if _on_disk(database) and not Path(str(database)).is_file():
        raise MissingDatabase(
            f"database {database}: no such file (a typo? `margin-monitor "
            "import` or `accounts add` creates one; the window does on its first run)"
        )


def create_private(database: str | None) -> None:
    """A new SQLite file is its owner's only (0600; a directory made for it 0700): it holds
    positions, balances and alert history. SQLite gives its -wal and -shm files the database
    file's mode. An existing file, and a directory the trader chose, are left as they are
    (location.default_path's directory is made 0700)."""
    if not _on_disk(database):
        return
    path = Path(str(database))
    if path.exists() or not path.parent.is_dir():  # a missing directory fails as it did
        return
    with contextlib.suppress(FileExistsError):  # made meanwhile by another process: theirs
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
