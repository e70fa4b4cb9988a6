"""read_books — what the service reads back after storing a batch of reads — gives each
account's positions exactly as they were stored (every field, awkward floats, tier tables with
and without the venue's leverage, hypotheticals), and parses each distinct tier table once."""

from __future__ import annotations

from dataclasses import replace

from monitor.domain.model import Maintenance, Tier
from monitor.store.live_reads import read_books
from tests.store.test_round_trips import _position

WITH_LEVERAGE = Maintenance(
    tiers=(Tier(0.0, 0.004, 0.0, 125.0), Tier(50_000.0, 0.005, 50.0, 100.0)), kind="tiered"
)


def _book(db):
    a = db.accounts.add("a", "simulated", venue="binanceusdm")
    b = db.accounts.add("b", "simulated", venue="binanceusdm")
    plain = _position()  # three figures a tier
    levered = _position(symbol="ETH/USDT:USDT", inverse=False, maintenance=WITH_LEVERAGE)
    db.positions.replace_live(a, 1.0, [plain, levered], fetched_at=5.0)
    db.positions.replace_live(b, 2.0, [replace(levered, contracts=3.0)], fetched_at=6.0)
    db.positions.save(b, replace(plain, hypothetical=True, leverage=2.0))
    return a, b, plain, levered


def test_read_books_gives_back_every_position_as_stored(db):
    a, b, plain, levered = _book(db)

    with db.read() as session:
        books = read_books(session, [b, a, b])

    assert set(books) == {a, b}
    assert [p.position for p in books[a][1]] == [plain, levered]
    assert [p.position for p in books[b][1]] == [
        replace(levered, contracts=3.0),
        replace(plain, hypothetical=True, leverage=2.0),
    ]
    assert [(p.kind, p.enabled) for p in books[b][1]] == [("live", True), ("hypothetical", True)]
    for account_id in (a, b):  # the same rows as the store's own listing
        assert books[account_id][1] == db.positions.list(account_id)
        assert books[account_id][0] == db.accounts.get(account_id)


def test_one_tier_table_is_parsed_once_for_every_position_holding_it(db):
    a, b, _, _ = _book(db)

    with db.read() as session:
        books = read_books(session, [a, b])

    first = books[a][1][1].position.maintenance.tiers
    second = books[b][1][0].position.maintenance.tiers
    assert first == WITH_LEVERAGE.tiers
    assert first is second  # one immutable tuple, shared
