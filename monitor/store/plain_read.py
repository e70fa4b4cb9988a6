"""The last stored book read through the database's own driver (sqlite3, psycopg), without
SQLAlchemy: for the window's start, which shows it while the service starts. SQLAlchemy, its
ORM and the models are a third of a second of imports; on the one interpreter lock the window
paints with, they held the book back by twice that.

Only a database at the schema's head is read here (its version row against the migration
files' head, schema_head.py): its tables are then exactly the models'. Rows are taken whole
(`SELECT *`) and read by column name by the store's own converters (account_rows.py,
position_rows.py), so no column is named twice; on SQLite each column's declared type (JSON,
BOOLEAN) says which values to decode, as SQLAlchemy's types do (psycopg decodes them itself).
One read transaction, nothing written: a SQLite file is opened read-only, never created.

None when this reader cannot tell — a URL it does not take apart, another driver, no version
table, a schema not at head: the caller reads through the store (open_database), which
migrates first. A database that cannot be opened raises the driver's error.
"""

from __future__ import annotations

import json
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from monitor.store.account_rows import to_record
from monitor.store.location import CONNECT_TIMEOUT_SECONDS, resolve_url
from monitor.store.position_rows import stored_position
from monitor.store.records import LastBook, SourceStatusRecord, StoredPosition
from monitor.store.schema_head import MIGRATIONS_DIR, VERSION_TABLE, quick_head

SQLITE = "sqlite:///"
POSTGRESQL = "postgresql+psycopg://"
# SQLite keeps JSON as text and booleans as 0/1; SQLAlchemy's JSON and Boolean decode them.
_SQLITE_DECODE: dict[str, Callable[[Any], Any]] = {"JSON": json.loads, "BOOLEAN": bool}


def read_last_book(url: str | None) -> LastBook | None:
    resolved = resolve_url(url)
    if resolved.startswith(SQLITE):
        path = resolved[len(SQLITE) :]
        if not path or "?" in path or path.startswith("file:") or path == ":memory:":
            return None
        return _read(_sqlite(Path(unquote(path))), _sqlite_decoders)
    if resolved.startswith(POSTGRESQL):
        args = _psycopg_args(resolved[len(POSTGRESQL) :])
        return None if args is None else _read(_psycopg(args), lambda _c, _t: {})
    return None


def _sqlite(path: Path) -> Any:
    import sqlite3

    uri = path.absolute().as_uri() + "?mode=ro"  # a missing file is an error, not a new one
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    connection.execute("BEGIN")  # one snapshot from the first read on
    return connection


def _sqlite_decoders(connection: Any, table: str) -> dict[str, Callable[[Any], Any]]:
    columns = connection.execute(f"PRAGMA table_info({table})").fetchall()
    return {
        name: _SQLITE_DECODE[kind.upper()]
        for _cid, name, kind, *_rest in columns
        if kind.upper() in _SQLITE_DECODE
    }


def _psycopg_args(rest: str) -> dict[str, Any] | None:
    """The connection's arguments as SQLAlchemy's psycopg dialect makes them from the URL;
    None for what it would read differently (several hosts, a repeated option, IPv6)."""
    netloc, _, tail = rest.partition("/")
    database, _, query = tail.partition("?")
    user_part, at, host_part = netloc.rpartition("@")
    if not at:
        user_part, host_part = "", netloc
    if "," in host_part or "[" in host_part:
        return None
    host, _, port = host_part.partition(":")
    user, _, password = user_part.partition(":")
    args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    for key, value in (
        ("host", host),
        ("port", port),
        ("user", user),
        ("password", password),
        ("dbname", database),
    ):
        if value:
            args[key] = int(value) if key == "port" else unquote(value)
    options = parse_qsl(query, keep_blank_values=True)
    if len({key for key, _ in options}) != len(options):
        return None
    args.update(options)
    return args


def _psycopg(args: dict[str, Any]) -> Any:
    import psycopg

    connection = psycopg.connect(**args)
    # One snapshot for every statement, as the store's read transactions (postgresql.py).
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.read_only = True
    return connection


def _read(
    connection: Any, decoders: Callable[[Any, str], dict[str, Callable[[Any], Any]]]
) -> LastBook | None:
    with closing(connection):  # closed without a commit: the read transaction ends unmade
        try:
            versions = [row[0] for row in connection.execute(f"SELECT * FROM {VERSION_TABLE}")]
        except Exception:  # no version table (a database never migrated): the store's to judge
            return None
        if versions != [quick_head(MIGRATIONS_DIR)]:
            return None

        def rows(table: str, order: str = "") -> Iterator[Any]:
            cursor = connection.execute(f"SELECT * FROM {table}{order}")
            names = [column[0] for column in cursor.description]
            decode = decoders(connection, table)
            row_type = namedtuple(table, names)  # type: ignore[misc]  # by column name
            for values in cursor.fetchall():
                row = dict(zip(names, values, strict=True))
                for name, convert in decode.items():
                    if row[name] is not None:
                        row[name] = convert(row[name])
                yield row_type(**row)

        accounts = tuple(to_record(row) for row in rows("accounts", " ORDER BY id"))
        statuses = {a.account_id: SourceStatusRecord(a.account_id) for a in accounts}
        for row in rows("source_status"):  # an account never read has none: as the store's
            statuses[row.account_id] = SourceStatusRecord(
                row.account_id, row.last_success, row.last_error_at, row.last_error
            )
        positions: defaultdict[int, list[StoredPosition]] = defaultdict(list)
        for row in rows("positions", " ORDER BY id"):  # the trader's order, as the store's
            positions[row.account_id].append(stored_position(row))
        return LastBook(
            accounts, statuses, {a.account_id: tuple(positions[a.account_id]) for a in accounts}
        )
