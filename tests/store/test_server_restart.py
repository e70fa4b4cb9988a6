"""PostgreSQL only (SQLite has no server): connections the server ended while they sat in the
pool — a restart, a pooler or firewall cutting idle ones after hours — are replaced unnoticed,
not handed to the next read as an error (which the window would show as a failed refresh)."""

from __future__ import annotations

from monitor.store import open_database
from tests.postgres import drop_connections


def test_pooled_connections_the_server_ended_are_replaced_unnoticed(postgres_url):
    with open_database(postgres_url) as db:
        db.accounts.add("a", "manual", wallet_balance=1.0)
        with db.read(), db.read():  # two connections in the pool, idle afterwards
            pass
        assert drop_connections(postgres_url) >= 2
        assert [a.name for a in db.accounts.list()] == ["a"]
        db.accounts.add("b", "manual", wallet_balance=2.0)
        assert [a.name for a in db.accounts.list()] == ["a", "b"]
