"""The last book read through the driver (plain_read.py, the window's start) is the book the
store reads through SQLAlchemy, field for field, on SQLite and PostgreSQL; a database it
cannot vouch for (not at the schema's head) is left to the store, and nothing is written or
created by it."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from sqlalchemy import text

from monitor.commands.stored_book_read import show_stored_book
from monitor.domain.model import Maintenance, Position, Side, Thresholds, Tier
from monitor.service.deferred import DeferredService
from monitor.service.snapshot import Snapshot, SourceState
from monitor.service.stored_book import last_book
from monitor.store import open_database
from monitor.store.database import head_revision
from monitor.store.plain_read import read_last_book
from monitor.store.records import SourceStatusRecord
from tests.store.schema_0001 import schema_0001
from tests.store.test_pools import POOLS

TIERED = Position(
    symbol="ETH/USDT:USDT",
    side=Side.SHORT,
    contracts=1 / 3,
    entry_price=3_000.0 / 7,
    mark_price=3_100.0 / 9,
    maintenance=Maintenance(
        (Tier(0.0, 0.005, 0.0, 100.0), Tier(50_000.0, 0.01, 250.0, 50.0)), kind="tiers"
    ),
    unknown=None,
)


def _book(db) -> dict[str, int]:
    """Every kind of row the start shows: pools, a live book, typed and what-if positions
    (one switched off), a failure, an account never fetched, names beyond ASCII."""
    pools = db.accounts.add("pools · ü", "exchange", venue="bybit", settings={"sandbox": True})
    db.positions.replace_pools(pools, POOLS, 1_700_000_000.5)
    db.source_status.set_error(pools, 1_700_000_100.25, "advice\ndetails: 502")
    live = db.accounts.add(
        "live", "simulated", venue="binanceusdm", thresholds=Thresholds(1.5, 1.2, 1.0, 0.2, 0.1)
    )
    db.positions.replace_live(live, 1_234.5, [TIERED], 1_700_000_000.0, 7 / 3)
    db.source_status.set_success(live, 1_700_000_000.0)
    typed = db.accounts.add("typed", "manual", collateral="USDT", wallet_balance=500.0)
    db.positions.save(typed, replace(TIERED, side=Side.LONG), typed_at=1_700_000_050.0)
    off = db.positions.save(typed, replace(TIERED, hypothetical=True))
    db.positions.set_enabled(typed, off, False)
    never = db.accounts.add("never read", "exchange", venue="okx")
    return {"pools": pools, "live": live, "typed": typed, "never": never, "off": off}


def test_the_plain_read_is_the_store_s_read(db_url):
    with open_database(db_url) as db:
        ids = _book(db)
        expected = last_book(db)
    book = read_last_book(db_url)
    assert book == expected
    # What the equality rests on, stated on its own: decoded JSON, real booleans, the order.
    assert [a.name for a in book.accounts] == ["pools · ü", "live", "typed", "never read"]
    assert [p.name for p in book.accounts[0].pools] == ["USD", "USDC"]
    assert book.accounts[0].settings == {"sandbox": True}
    off = next(p for p in book.positions[ids["typed"]] if p.position_id == ids["off"])
    assert off.enabled is False and off.kind == "hypothetical"
    (live,) = book.positions[ids["live"]]
    assert live.position.maintenance.tiers == TIERED.maintenance.tiers
    assert book.statuses[ids["pools"]].last_error == "advice\ndetails: 502"
    assert book.positions[ids["never"]] == ()
    assert book.statuses[ids["never"]] == SourceStatusRecord(ids["never"])


def test_a_database_not_at_head_is_left_to_the_store_untouched(db_path):
    url = f"sqlite:///{db_path}"
    with open_database(url) as db:
        _book(db)
    with sqlite3.connect(db_path) as plain:  # as a version before the last migration left it
        plain.execute("UPDATE alembic_version SET version_num = '0007'")
    before = db_path.read_bytes()
    assert read_last_book(url) is None
    assert db_path.read_bytes() == before


def test_a_missing_file_is_an_error_and_stays_missing(tmp_path):
    missing = tmp_path / "typo.sqlite3"
    try:
        read_last_book(f"sqlite:///{missing}")
    except sqlite3.OperationalError:
        pass
    else:
        raise AssertionError("a missing file read as a book")
    assert not missing.exists()


def test_a_database_of_an_older_schema_is_migrated_then_its_book_shown(db_url, tmp_path):
    """The driver's read (plain_read.py) takes only a database at the schema's head; one an
    older version wrote is opened through the store, which migrates it first, and its book is
    shown all the same."""
    url = schema_0001(db_url, tmp_path)  # one exchange account, one live position, at 0001
    service = DeferredService()
    shown: list[Snapshot] = []
    service.subscribe(shown.append)
    assert show_stored_book(service, url)
    ((snap,),) = [s.accounts for s in shown]
    assert snap.name == "binance-main" and not snap.known
    assert snap.status.state == SourceState.STARTING
    assert [p.symbol for pool in snap.pools for p in pool.account.positions] == ["BTC/USDT:USDT"]
    with open_database(url) as db, db.read() as session:
        (version,) = session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    assert version == head_revision()
