"""Several programs on one database (the window, `watch`, `check --refresh`, a second machine on
PostgreSQL): a reader sees one refresh whole, writers queue instead of interleaving, two
programs opening a new database at once both get the same schema, and a writer kept waiting
too long says so in one line. SQLite queues writers with BEGIN IMMEDIATE; PostgreSQL, where
rows rather than the file are locked, needs the same queue made explicit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, event, text

from monitor.cli import main
from monitor.domain.model import Maintenance, Position, Side
from monitor.store import database, open_database
from monitor.store.models import PositionRow
from monitor.store.positions import add_position
from tests.postgres import lock_waiters
from tests.store.conftest import EXAMPLE


def _position(symbol: str) -> Position:
    return Position(symbol, Side.LONG, 1.0, 100.0, 100.0, Maintenance.flat(0.01))


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not predicate():
        assert time.monotonic() < deadline, f"condition not met within {timeout} s"
        pause.wait(0.01)


def test_a_reader_sees_one_refresh_whole_never_a_mix(db_url):
    old, new = (_position("OLD/USDT:USDT"),), (_position("NEW/USDT:USDT"),) * 2
    with open_database(db_url) as db:
        account = db.accounts.add("ex", "exchange")
        db.positions.replace_live(account, 1.0, old, 1.0)
        refreshed: list[threading.Thread] = []

        # Another program commits a whole refresh after the reader read the account row (its
        # wallet) and before it reads the positions.
        @event.listens_for(db.engine, "before_cursor_execute")
        def refresh_meanwhile(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            reads_positions = (
                statement.lstrip().startswith("SELECT") and "FROM positions" in statement
            )
            if reads_positions and not refreshed:
                writer = threading.Thread(
                    target=db.positions.replace_live, args=(account, 2.0, new, 2.0)
                )
                refreshed.append(writer)
                writer.start()
                writer.join(30)

        book = db.positions.account(account)
        event.remove(db.engine, "before_cursor_execute", refresh_meanwhile)
        assert refreshed and not refreshed[0].is_alive()
        assert (book.wallet_balance, book.positions) == (1.0, old)  # the view it started with
        book = db.positions.account(account)
        assert (book.wallet_balance, book.positions) == (2.0, new)


def test_two_refreshes_at_once_leave_one_whole_set(postgres_url):
    # (SQLite: BEGIN IMMEDIATE queues the second; test_database_failures shows the queue.)
    with open_database(postgres_url) as db:
        account = db.accounts.add("ex", "exchange")
        db.positions.replace_live(account, 1.0, [_position("A/USDT:USDT")], 1.0)
        second = threading.Thread(
            target=db.positions.replace_live,
            args=(account, 3.0, [_position("C/USDT:USDT")], 3.0),
        )
        with db.write() as s:  # the first refresh, half done: old set deleted, new one added
            s.execute(
                delete(PositionRow).where(
                    PositionRow.account_id == account, PositionRow.kind == "live"
                )
            )
            add_position(s, account, _position("B/USDT:USDT"), "live")
            second.start()
            wait_for(lambda: lock_waiters(postgres_url) >= 1)  # the second waits for it
        second.join(30)
        assert [p.symbol for p in db.positions.account(account).positions] == ["C/USDT:USDT"]


def test_two_programs_opening_a_new_database_at_once_both_get_it(postgres_url, monkeypatch):
    # The store imports Alembic only when a database is behind head: patch it where it lives.
    from alembic import command as alembic_command

    real_upgrade = alembic_command.upgrade
    migrated, release = threading.Event(), threading.Event()

    def upgrade_then_hold(config: Any, revision: str) -> None:
        real_upgrade(config, revision)
        if not migrated.is_set():  # the first program: tables made, not yet committed
            migrated.set()
            release.wait(30)

    monkeypatch.setattr(alembic_command, "upgrade", upgrade_then_hold)
    outcome: dict[str, object] = {}

    def open_it(name: str) -> None:
        try:
            open_database(postgres_url).close()
            outcome[name] = "opened"
        except Exception as exc:
            outcome[name] = exc

    first = threading.Thread(target=open_it, args=("first",))
    first.start()
    assert migrated.wait(30)
    second = threading.Thread(target=open_it, args=("second",))
    second.start()
    wait_for(lambda: lock_waiters(postgres_url) >= 1)  # the second waits for the first
    release.set()
    first.join(30)
    second.join(30)
    assert outcome == {"first": "opened", "second": "opened"}


def test_a_writer_kept_waiting_is_one_plain_line_naming_the_database(
    postgres_url, capsys, monkeypatch
):
    """Another Margin Monitor holds the write lock: a writing command waits the busy timeout,
    then says so in one line naming the database (not its password); nothing changed."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    with_password = postgres_url.replace("://monitor@", "://monitor:s3cret-pw@")
    with open_database(postgres_url) as holder:
        with holder.write() as s:
            s.execute(text("SELECT 1"))  # the write transaction has begun
            status = main(["--db", with_password, "import", str(EXAMPLE)])
            err = capsys.readouterr().err
        assert holder.accounts.list() == ()
    assert status == 3
    assert len(err.strip().splitlines()) == 1, err
    assert "locked by another program" in err and "0.2 s" in err
    assert "s3cret-pw" not in err and postgres_url.split("@")[1] in err
