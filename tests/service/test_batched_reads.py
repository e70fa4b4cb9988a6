"""Venue reads stored together (one transaction, a savepoint each) leave the same rows as the
same reads stored one at a time; a read that cannot be stored fails alone."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import pytest
from sqlalchemy import text

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.applier import FetchApplier
from monitor.service.sources import Connection
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.reader import FetchResult
from monitor.sources.sim.book import DEMO_BOOK
from monitor.sources.sim.venue import SimVenue
from monitor.store.database import Database
from monitor.store.live_reads import read_books
from monitor.store.records import AccountRecord
from tests.service.conftest import test_reader
from tests.sql_statements import statements

BOOKS = 3


def _read_books(venue: SimVenue, count: int) -> list[FetchResult]:
    """One real read per book, from the simulated venue over loopback."""

    async def read_all() -> list[FetchResult]:
        results = []
        for i in range(count):
            creds = venue.add_book(DEMO_BOOK.scaled(f"book-{i}", 1 + i / 4))
            settings = ExchangeSettings("binanceusdm", api_url=venue.url)
            connection = Connection(settings, Credentials(creds.api_key, creds.secret))
            reader = test_reader(connection, "x")
            try:
                results.append(await reader.fetch(time.time()))
            finally:
                await reader.close()
        return results

    return asyncio.run(read_all())


def _accounts(db: Database, prefix: str, count: int) -> list[AccountRecord]:
    ids = [db.accounts.add(f"{prefix}-{i}", "simulated", venue="binanceusdm") for i in range(count)]
    return [db.accounts.get(account_id) for account_id in ids]


def _rows(db: Database, record: AccountRecord) -> dict[str, Any]:
    """What the store holds for an account, without its ids and name."""
    account = db.accounts.get(record.account_id)
    positions = sorted(
        (dataclasses.astuple(p.position), p.kind, p.enabled, p.pool)
        for p in db.positions.list(record.account_id)
    )
    return {
        "wallet": account.wallet_balance,
        "ratio": account.exchange_health_ratio,
        "fetched": account.positions_fetched_at,
        "pools": account.pools,
        "positions": positions,
        "success": db.source_status.get(record.account_id).last_success,
    }


@pytest.fixture
def reads(venue: SimVenue) -> list[FetchResult]:
    return _read_books(venue, BOOKS)


def test_reads_stored_together_leave_the_rows_stored_one_by_one(db, reads):
    one_by_one = _accounts(db, "single", BOOKS)
    together = _accounts(db, "batch", BOOKS)
    single = FetchApplier(db)
    for record, result in zip(one_by_one, reads, strict=True):
        single.venue_read(record, result)  # the path before batching: its own transactions
    marks_alone = db.market.marks("binanceusdm")
    tiers_alone = {symbol: db.market.tiers("binanceusdm", symbol) for symbol in reads[0].symbols}

    stored, failed = FetchApplier(db).store_reads(list(zip(together, reads, strict=True)))

    assert failed == {}
    assert [r.account_id for r, _, _ in stored] == [r.account_id for r in together]
    for alone, batched in zip(one_by_one, together, strict=True):
        assert _rows(db, batched) == _rows(db, alone)
    assert db.market.marks("binanceusdm") == marks_alone  # the same reads: the same marks
    for symbol, table in tiers_alone.items():
        assert table is not None and db.market.tiers("binanceusdm", symbol) == table
    for (_, _, marks), read in zip(stored, reads, strict=True):
        assert marks == {symbol: figures.mark for symbol, figures in read.symbols.items()}


def _over_long_symbol(read: FetchResult) -> FetchResult:
    """The read with one more symbol, too long to store: it fails after its positions were
    written, at the marks."""
    figures = next(iter(read.symbols.values()))
    symbols = {**read.symbols, "X" * 101: figures}
    return dataclasses.replace(read, symbols=symbols, fetched_at=read.fetched_at + 5)


def test_a_read_that_cannot_be_stored_fails_alone_and_keeps_its_last_rows(db, reads):
    first, broken, last = _accounts(db, "acct", BOOKS)
    applier = FetchApplier(db)
    applier.venue_read(broken, reads[1])  # an earlier good read of the broken account
    kept = _rows(db, broken)
    no_pool = dataclasses.replace(reads[1], accounts=())

    for bad in (_over_long_symbol(reads[1]), no_pool):
        stored, failed = applier.store_reads([(first, reads[0]), (broken, bad), (last, reads[2])])

        assert [r.account_id for r, _, _ in stored] == [first.account_id, last.account_id]
        assert set(failed) == {broken.account_id}
        assert _rows(db, broken) == kept  # nothing of the failed read (a savepoint), nothing lost
        assert _rows(db, first)["success"] == reads[0].fetched_at
        assert _rows(db, last)["success"] == reads[2].fetched_at
        assert len(db.positions.list(last.account_id)) == len(DEMO_BOOK.positions)
    assert isinstance(failed[broken.account_id], Malformed)
    assert "acct-1" in str(failed[broken.account_id])  # names the account


def test_a_batch_costs_the_same_few_statements_however_many_reads_it_holds(db, reads):
    records = _accounts(db, "acct", BOOKS)
    applier = FetchApplier(db)
    applier.store_reads(list(zip(records, reads, strict=True)))  # marks, tiers, status rows made

    one = statements(db, lambda: applier.store_reads([(records[0], reads[0])]))
    every = statements(db, lambda: applier.store_reads(list(zip(records, reads, strict=True))))

    # Statements per batch, not per read: each is a round trip on PostgreSQL, on the path
    # from the last answer to the published figures.
    assert len(every) == len(one), every
    # BEGIN's own (PostgreSQL's lock), the accounts' UPDATE, the positions' DELETE and INSERT,
    # the marks' UPDATE, the status rows' UPDATE: 6 on SQLite, 7 on PostgreSQL.
    assert len(every) <= 7, every
    for record, read in zip(records, reads, strict=True):
        assert _rows(db, record)["success"] == read.fetched_at


def test_the_stored_accounts_are_read_back_in_the_same_transaction(db, reads):
    records = _accounts(db, "acct", BOOKS)
    batch = list(zip(records, reads, strict=True))
    applier = FetchApplier(db)
    applier.store_reads(batch)

    stored_only = statements(db, lambda: applier.store_reads(batch))
    read_back = statements(db, lambda: applier.store_and_read(batch, read_books))

    # The read back's two SELECTs, no transaction of its own (its BEGIN, PostgreSQL's
    # isolation level: round trips the refreshed figures would wait for).
    assert len(read_back) == len(stored_only) + 2, read_back
    _, _, books = applier.store_and_read(batch, read_books)
    assert books is not None
    for record in records:
        assert books[record.account_id][1] == db.positions.list(record.account_id)


def _refuse_positions_of(db: Database, account_id: int) -> None:
    """The database itself refuses any new position of one account (a trigger: a real fault
    in SQL, after every check in Python passed)."""
    if db.engine.dialect.name == "sqlite":
        statements = [
            f"""CREATE TRIGGER refuse_positions BEFORE INSERT ON positions
            WHEN NEW.account_id = {account_id} BEGIN SELECT RAISE(ABORT, 'refused'); END"""
        ]
    else:
        statements = [
            """CREATE FUNCTION refuse_positions() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql""",
            f"""CREATE TRIGGER refuse_positions BEFORE INSERT ON positions FOR EACH ROW
            WHEN (NEW.account_id = {account_id}) EXECUTE FUNCTION refuse_positions()""",
        ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_a_read_the_database_refuses_fails_alone_among_good_ones(db, reads):
    first, refused, last = _accounts(db, "acct", BOOKS)
    applier = FetchApplier(db)
    applier.store_reads([(refused, reads[1])])
    kept = _rows(db, refused)
    _refuse_positions_of(db, refused.account_id)
    later = [dataclasses.replace(read, fetched_at=read.fetched_at + 5) for read in reads]

    stored, failed = applier.store_reads([(first, later[0]), (refused, later[1]), (last, later[2])])

    assert [r.account_id for r, _, _ in stored] == [first.account_id, last.account_id]
    assert set(failed) == {refused.account_id}
    assert "refused" in str(failed[refused.account_id])
    assert _rows(db, refused) == kept  # nothing of the refused read, nothing lost
    assert _rows(db, first)["success"] == later[0].fetched_at
    assert _rows(db, last)["success"] == later[2].fetched_at
    assert len(db.positions.list(last.account_id)) == len(DEMO_BOOK.positions)
