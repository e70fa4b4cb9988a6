"""Opening the database: engine, the backend's connection settings, migrations to head.

SQLite (a file) and PostgreSQL (psycopg 3) give the store the same guarantees, each its own
way (sqlite.py, postgresql.py): every transaction is atomic, DDL in migrations included; one
write transaction at a time — a second writer queues, up to BUSY_TIMEOUT_SECONDS, instead of
interleaving or failing mid-way; a read transaction sees one consistent state throughout.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from monitor.redact import without_password
from monitor.store import limits as _limits  # noqa: F401  # registers the value checks
from monitor.store import postgresql, schema_head, sqlite
from monitor.store.accounts import AccountStore
from monitor.store.alerts import AlertStore
from monitor.store.deliveries import DeliveryStore
from monitor.store.errors import StoreError
from monitor.store.history import HistoryStore
from monitor.store.leases import LeaseStore
from monitor.store.location import resolve_url
from monitor.store.market import MarketStore
from monitor.store.positions import PositionStore
from monitor.store.schema_head import MIGRATIONS_DIR
from monitor.store.settings import SettingsStore
from monitor.store.source_status import SourceStatusStore

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_TIMEOUT_SECONDS = 30.0
# Execution option of a connection: "write", "leases" or "read" — each backend's begin listener
# reads it.
_TRANSACTION = "monitor_transaction"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

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
        self.leases = LeaseStore(self)  # collectors sharing the accounts
        self.deliveries = DeliveryStore(self)  # alerts sent once among them
        self._batch = threading.local()  # this thread's open batch() session, if any

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on normal exit, rolled back on any exception.
        Inside batch() (same thread) it is a savepoint of the batch's transaction instead:
        all or nothing on its own, committed with the batch."""
        outer: Session | None = getattr(self._batch, "session", None)
        if outer is not None:
            with outer.begin_nested():
                yield outer
            return
        with self._committed("write") as session:
            yield session

    @contextmanager
    def lease_write(self) -> Iterator[Session]:
        """A write transaction of the collectors' leases (leases.py): queued behind other
        lease cycles only. On PostgreSQL it takes a lock of its own, not the data writers':
        a collector's renewal must not wait for another collector's batch of reads to be
        stored, which under load outlasts the lease. SQLite has one writer lock: the same."""
        with self._committed("leases") as session:
            yield session

    @contextmanager
    def _committed(self, kind: str) -> Iterator[Session]:
        """A transaction of `kind` (the backend's begin listener takes its lock), committed on
        normal exit, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_TRANSACTION: kind})
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group this thread's writes into one transaction (one commit, one fsync, instead of
        one per write). Each write() inside stays atomic (a savepoint): one that fails rolls
        back alone and raises, the others commit. Reads inside do not see the batch's
        writes until it ends."""
        if getattr(self._batch, "session", None) is not None:
            yield  # already batching: the outer batch commits
            return
        with self.write() as session:
            self._batch.session = session
            try:
                yield
            finally:
                self._batch.session = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read transaction: a consistent view, never committed."""
        # Closing the session and connection rolls the (read-only) transaction back.
        with self.engine.connect() as conn:
            conn.execution_options(**{_TRANSACTION: "read"})
            with Session(bind=conn) as session:
                yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def migrate(engine: Engine) -> None:
    """Upgrade to head unless already there. The common case costs one small query and no
    import of Alembic (a tenth of a second, the window's start waits for it): the stored
    revision is compared with the head read from the migration files' text."""
    with engine.connect() as conn:
        current = schema_head.stored_revisions(conn)
    if current == (schema_head.quick_head(MIGRATIONS_DIR),):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

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
    # A write transaction: a second process opening at the same moment waits, then finds head.
    with engine.connect() as conn:
        conn.execution_options(**{_TRANSACTION: "write"})
        with conn.begin():
            command.upgrade(alembic_config(conn), "head")


def open_database(url: str | None = None, *, create: bool = True) -> Database:
    """Open and migrate the database at `url` (see location.resolve_url): a SQLite file, or a
    PostgreSQL database (`postgresql+psycopg://user:password@host/name`). With create=False a
    SQLite file that does not exist is MissingDatabase, never a new empty database: a typo in
    the path must not read as an account-less "all is well". A PostgreSQL database is never
    created (its tables are): one missing on the server, or a server that does not answer, is
    MissingDatabase either way."""
    resolved = resolve_url(url)
    try:
        engine = create_engine(resolved)
    except (ArgumentError, ImportError) as exc:
        message = f"database {resolved!r}: not a usable URL: {exc}"
        raise StoreError(without_password(message)) from None
    if engine.dialect.name == "sqlite":
        if not create:
            sqlite.check_exists(engine.url.database)
        sqlite.create_private(engine.url.database)
        engine = create_engine(resolved, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        sqlite.setup(engine, _TRANSACTION)
    elif engine.dialect.name == "postgresql":
        # pre_ping: a pooled connection the server ended (a restart, an idle cut) is replaced
        # at checkout, not handed to the next refresh as an error.
        engine = create_engine(
            resolved, connect_args=postgresql.connect_args(engine.url), pool_pre_ping=True
        )
        postgresql.setup(engine, _TRANSACTION, BUSY_TIMEOUT_SECONDS)
        try:
            postgresql.check_reachable(engine)
        except StoreError:
            engine.dispose()
            raise
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())  # libpq: several lines
        message = f"database {engine.url!r}: cannot open: {reason}"
        raise StoreError(without_password(message)) from None
    return Database(engine)
