"""One recompute's history of many accounts costs the statements of one account's, and stores
what storing each account's on its own would: figures only where they changed, a position's
mark at most once a minute."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.service.recompute_job import write_history
from monitor.store import PositionMark
from monitor.store.database import Database
from tests.sql_statements import statements

NOW = 10_000.0
BTC = "BTC/USDT:USDT"


def _rows(account_id: int, at: float, ratio: float) -> Any:
    # (account, at, margin balance, maintenance, health ratio, each position's mark)
    marks = [PositionMark(BTC, "long", 100.0 + at, 50.0)]
    return (account_id, at, ratio * 10.0, 10.0, ratio, marks)


@pytest.fixture
def accounts(db: Database) -> list[int]:
    return [db.accounts.add(f"acct-{i}", "manual", wallet_balance=1.0) for i in range(6)]


def test_a_recompute_of_six_accounts_costs_the_statements_of_one(db, accounts):
    write_history(db, [_rows(a, NOW, 2.0) for a in accounts])  # each has a last row, marks

    one = statements(db, lambda: write_history(db, [_rows(accounts[0], NOW + 61, 3.0)]))
    six = statements(db, lambda: write_history(db, [_rows(a, NOW + 61, 3.0) for a in accounts]))

    # Statements per recompute, not per account: each is a round trip on PostgreSQL, on the
    # store thread the next batch of reads waits for.
    assert len(six) == len(one), six
    assert all(len(db.history.health(a, 0.0, NOW + 100).at) == 2 for a in accounts)


def test_only_changed_figures_and_due_marks_are_stored(db, accounts):
    same, changed, fresh, *_ = accounts
    db.history.record_account_health(same, NOW - 5, 20.0, 10.0, 2.0)
    db.history.record_account_health(changed, NOW - 5, 20.0, 10.0, 2.0)
    db.history.record_position_marks(same, NOW - 30, [PositionMark(BTC, "long", 1.0, 0.5)])
    db.history.record_position_marks(changed, NOW - 60, [PositionMark(BTC, "long", 1.0, 0.5)])

    write_history(db, [_rows(same, NOW, 2.0), _rows(changed, NOW, 2.5), _rows(fresh, NOW, 1.5)])

    # Figures: `same`'s are its last row's (nothing stored); the others' are new.
    assert db.history.health(same, 0.0, NOW + 1).at.tolist() == [NOW - 5]
    assert db.history.health(changed, 0.0, NOW + 1).health_ratio.tolist() == [2.0, 2.5]
    assert db.history.health(fresh, 0.0, NOW + 1).health_ratio.tolist() == [1.5]
    # Marks: `same`'s last is 30 s old (not due), `changed`'s 60 s (due), `fresh` has none.
    assert db.history.marks(same, BTC, "long", 0.0, NOW + 1).at.tolist() == [NOW - 30]
    assert db.history.marks(changed, BTC, "long", 0.0, NOW + 1).at.tolist() == [NOW - 60, NOW]
    assert db.history.marks(fresh, BTC, "long", 0.0, NOW + 1).mark.tolist() == [100.0 + NOW]


def test_two_recomputes_of_one_account_in_one_write_keep_a_mark_a_minute(db, accounts):
    account = accounts[0]
    # Held rows of one account, written together: its marks at most once a minute still.
    write_history(
        db, [_rows(account, NOW, 2.0), _rows(account, NOW + 30, 2.1), _rows(account, NOW + 60, 2.2)]
    )

    assert db.history.marks(account, BTC, "long", 0.0, NOW + 100).at.tolist() == [NOW, NOW + 60]
    assert db.history.health(account, 0.0, NOW + 100).at.tolist() == [NOW, NOW + 30, NOW + 60]


def test_a_refresh_cycles_history_is_written_for_every_account(db, venue, make_service):
    """The rows a recompute holds while other reads of the cycle are under way are written
    once those are in: none is lost."""
    from monitor.sources.sim.book import DEMO_BOOK

    from .conftest import wait_for

    keys = {}
    for i in range(6):
        credentials = venue.add_book(DEMO_BOOK.scaled(f"book-{i}", 1 + i / 10))
        db.accounts.add(f"acct-{i}", "simulated", venue="binanceusdm", settings={"interval": 3600})
        keys[f"acct-{i}"] = (credentials.api_key, credentials.secret)
    service, _ = make_service(keys)
    service.start()
    wait_for(lambda: sum(a.known for a in service.latest().accounts) == 6, timeout=30)

    ids = [record.account_id for record in db.accounts.list()]
    wait_for(lambda: all(len(db.history.health(a, 0.0, 1e12).at) >= 1 for a in ids))
    wait_for(lambda: all(len(db.history.marks(a, BTC, "long", 0.0, 1e12).at) >= 1 for a in ids))
