"""PostgreSQL as the store (psycopg 3): the same guarantees SQLite gives by locking its file.

* Writers queue. PostgreSQL locks rows, not the database: two refreshes of one account would
  interleave (the second's DELETE does not see the rows the first inserted: both sets stay),
  and two programs opening a new database would both create its tables. So a write transaction
  first takes one transaction-level advisory lock (per database; released at commit or
  rollback) — SQLite's BEGIN IMMEDIATE — waiting at most the busy timeout (lock_timeout).
* A read transaction sees one state. PostgreSQL's default, READ COMMITTED, gives every
  statement a new snapshot: an account's wallet and its positions could come from two
  refreshes. Reads run REPEATABLE READ (one snapshot from the first statement), READ ONLY.
  Writes stay READ COMMITTED: their snapshots are taken after the lock, so they see every
  write before theirs.
* Margin Monitor makes the tables, never the database (that needs rights a trader's role
  should not have). A URL it cannot connect to — no such database on the server, no server
  answering, a role or password refused — is MissingDatabase (a typo in --db, as a SQLite path
  that is not there): one plain line naming the URL without its password.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from monitor.redact import without_password
from monitor.store.errors import MissingDatabase
from monitor.store.location import CONNECT_TIMEOUT_SECONDS as CONNECT_TIMEOUT_SECONDS

WRITE_LOCK = 0x4D4D_5752  # "MMWR": the advisory lock key every Margin Monitor writer takes
LEASE_LOCK = 0x4D4D_4C53  # "MMLS": the collectors' lease cycles', one at a time (leases.py)
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE: lock_timeout ran out


def connect_args(url: URL) -> dict[str, Any]:
    """A connect timeout unless the URL sets its own (?connect_timeout=...)."""
    return {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}


def setup(engine: Engine, option: str, busy_timeout: float) -> None:
    """`option`: the execution option that says "write", "leases" or "read" (database.py)."""
    lock_timeout = f"{max(1, round(busy_timeout * 1000))}ms"
    # Each kind of write queues on its advisory lock: the data writers on one, the
    # collectors' lease cycles on their own (leases.py).
    locks = {"write": WRITE_LOCK, "leases": LEASE_LOCK}

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        kind = conn.get_execution_options().get(option)
        lock = locks.get(kind) if isinstance(kind, str) else None
        if lock is not None:
            # One message, run in order (no parameters: the simple query protocol): a round
            # trip less for every write, each refresh's batch among them.
            conn.exec_driver_sql(
                f"SET LOCAL lock_timeout = '{lock_timeout}'; SELECT pg_advisory_xact_lock({lock})"
            )
        elif kind == "read":
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def one_line(reason: object) -> str:
    """A driver's message (libpq adds hints and DETAIL on lines of their own) as one line."""
    return " ".join(str(reason).split())


def check_reachable(engine: Engine) -> None:
    """Connect once: MissingDatabase if that fails."""
    try:
        engine.connect().close()
    except OperationalError as exc:
        name = engine.url.render_as_string(hide_password=True)
        words = one_line(exc.orig)
        # libpq gives no SQLSTATE for a failed connection, only the server's words (English
        # unless the server's lc_messages says otherwise; then the plain line below stands).
        if f'database "{engine.url.database}" does not exist' in words:
            message = (
                f"database {name}: no such database on the server (a typo? Margin Monitor makes "
                f"the tables, not the database: create it first, e.g. `createdb "
                f"{engine.url.database}`)"
            )
        else:
            message = f"database {name}: cannot connect: {words}"
        raise MissingDatabase(without_password(message)) from None


def is_lock_timeout(reason: object) -> bool:
    return getattr(reason, "sqlstate", None) == LOCK_NOT_AVAILABLE
