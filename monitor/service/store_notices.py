"""Collectors tell viewers what they wrote: PostgreSQL's NOTIFY on one channel, the account's
id as payload, sent after the write committed. A viewer LISTENs and re-reads just those
accounts (viewer_feed.py) — no viewer polls the database. SQLite has no such channel: a
window on its own file is its own collector."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import URL

from monitor.store.postgresql import CONNECT_TIMEOUT_SECONDS, one_line

log = logging.getLogger(__name__)

CHANNEL = "margin_monitor_stored"


def libpq_url(url: URL) -> str:
    """The SQLAlchemy URL as psycopg takes it (password included: for connecting only)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def connect(url: URL) -> Any:
    import psycopg

    timeout = url.query.get("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    return psycopg.connect(
        libpq_url(url.difference_update_query(["connect_timeout"])),
        autocommit=True,
        connect_timeout=int(str(timeout)),
    )


class StoreNotices:
    """`notices(account_id)`: on the collector's service thread, after a committed write."""

    def __init__(self, url: URL) -> None:
        self._url = url
        self._conn: Any = None
        self._failing = False

    def __call__(self, account_id: int) -> None:
        import psycopg

        try:
            if self._conn is None or self._conn.closed:
                self._conn = connect(self._url)
            self._conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(account_id)))
            self._failing = False
        except psycopg.Error as exc:  # viewers catch up when they reconnect: never fatal
            if not self._failing:
                log.warning("could not tell the viewers: %s", one_line(exc))
            self._failing = True
            self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
