"""Opening the database: engine, SQLite connection settings, migrations to head.

SQLite is set up for one writer (the service) beside readers (the CLI): WAL journal, foreign
keys on, synchronous=FULL so a committed transaction survives a crash, and explicit BEGINs so
that every transaction — DDL in migrations included — is atomic (the sqlite3 module would
otherwise run DDL outside any transaction). Writers take the write lock up front (BEGIN
IMMEDIATE) so two writers queue on the busy timeout instead of failing mid-transaction.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from monitor.redact import without_password
from monitor.store.accounts import AccountStore
from monitor.store.alerts import AlertStore
from monitor.store.errors import MissingDatabase, StoreError
from monitor.store.history import HistoryStore
from monitor.store.location import resolve_url
from monitor.store.market import MarketStore
from monitor.store.positions import PositionStore
from monitor.store.settings import SettingsStore
from monitor.store.source_status import SourceStatusStore

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_SECONDS = 30.0
_BEGIN_MODE = "sqlite_begin_mode"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get(_BEGIN_MODE, '')}")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the store ships at least one migration"
    return head


class Database:
    """An open store. Use the area stores (`db.accounts`, `db.positions`, ...) for data."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.accounts = AccountStore(self)
        self.positions = PositionStore(self)
        self.market = MarketStore(self)
        self.history = HistoryStore(self)
        self.alerts = AlertStore(self)
        self.source_status = SourceStatusStore(self)
        self.settings = SettingsStore(self)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on normal exit, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_BEGIN_MODE: "IMMEDIATE"})
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read transaction: a consistent view, never committed."""
        # Closing the session and connection rolls the (read-only) transaction back.
        with self.engine.connect() as conn, Session(bind=conn) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def migrate(engine: Engine) -> None:
    """Upgrade to head unless already there (the common case costs one small query)."""
    head = head_revision()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    if current == (head,):
        return
    script = ScriptDirectory.from_config(alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    newer = [revision for revision in current if revision not in known]
    if newer:  # never "upgrade" (or touch) what a later version wrote
        raise StoreError(
            f"database {engine.url!r}: made by a newer Margin Monitor (schema {newer[0]}; "
            f"this one knows up to {head}): open it with that version, or choose another "
            "database with --db"
        )
    # IMMEDIATE: a second process opening at the same moment waits, then finds head.
    with engine.connect() as conn:
        conn.execution_options(**{_BEGIN_MODE: "IMMEDIATE"})
        with conn.begin():
            command.upgrade(alembic_config(conn), "head")


def _sqlite_exists(database: str | None) -> bool:
    if not database or database == ":memory:" or database.startswith("file:"):
        return True  # nothing on disk to look for
    return Path(database).is_file()


def _create_private(database: str | None) -> None:
    """A new SQLite file is its owner's only (0600; a directory made for it 0700): it holds
    positions, balances and alert history. SQLite gives its -wal and -shm files the database
    file's mode. An existing file, and a directory the trader chose, are left as they are
    (location.default_path's directory is made 0700)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():  # a missing directory fails as it did
        return
    with contextlib.suppress(FileExistsError):  # made meanwhile by another process: theirs
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def open_database(url: str | None = None, *, create: bool = True) -> Database:
    """Open and migrate the database at `url` (see location.resolve_url). With create=False a
    SQLite file that does not exist is MissingDatabase, never a new empty database: a typo in
    the path must not read as an account-less "all is well"."""
    resolved = resolve_url(url)
    try:
        engine = create_engine(resolved)
    except (ArgumentError, ImportError) as exc:
        message = f"database {resolved!r}: not a usable URL: {exc}"
        raise StoreError(without_password(message)) from None
    if engine.dialect.name == "sqlite":
        if not create and not _sqlite_exists(engine.url.database):
            raise MissingDatabase(
                f"database {engine.url.database}: no such file (a typo? `margin-monitor "
                "import` or `accounts add` creates one; the window does on its first run)"
            )
        _create_private(engine.url.database)
        engine = create_engine(resolved, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        _sqlite_setup(engine)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = getattr(exc, "orig", None) or exc
        message = f"database {engine.url!r}: cannot open: {reason}"
        raise StoreError(without_password(message)) from None
    return Database(engine)
