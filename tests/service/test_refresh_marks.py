"""A manual account's typed marks refreshed from its venue's public data (the simulated Binance
on loopback, the real ccxt), on both databases: written over the typed marks of every row of
the symbol, known as the venue's after a restart, and typed again once the trader types one."""

from __future__ import annotations

from dataclasses import replace

from monitor.domain import Maintenance, Position, Side
from monitor.sources.exchange.public import PublicMarks

from .conftest import wait_for

ETH = Position("ETH/USDT:USDT", Side.LONG, 2, 3_000, 3_000, Maintenance.flat(0.005))
ETH_WHATIF = replace(ETH, side=Side.SHORT, contracts=1, hypothetical=True)


def _public(exchange_id, api_url):
    return PublicMarks(exchange_id, api_url=api_url, enable_rate_limit=False)


def test_refresh_writes_the_venues_marks_and_they_stay_the_venues(db, venue, make_service):
    venue.set_marks({"ETH": 3_210.0})
    account_id = db.accounts.add(
        "book", "manual", venue="binanceusdm", collateral="USDT", wallet_balance=5_000.0,
        settings={"marks_api_url": venue.url},
    )  # fmt: skip
    held = db.positions.save(account_id, ETH)
    db.positions.save(account_id, ETH_WHATIF)
    service, rec = make_service(marks_factory=_public)
    service.start()
    first = wait_for(lambda: rec.latest("book"))
    assert first.mark_origin("ETH/USDT:USDT") is None  # typed: no venue read yet
    assert first.marks_venue == "binanceusdm"

    marks = service.refresh_marks(account_id).result(15)
    assert marks == {"ETH/USDT:USDT": venue.marks()["ETHUSDT"]} == {"ETH/USDT:USDT": 3_210.0}
    # Both rows of the symbol (the what-if too: one symbol's legs move as one) are stored at it.
    assert [s.position.mark_price for s in db.positions.list(account_id)] == [3_210.0, 3_210.0]
    snap = wait_for(lambda: (s := rec.latest("book")) and s.mark_origin("ETH/USDT:USDT") and s)
    assert snap.mark_origin("ETH/USDT:USDT").source == "public"
    assert all(p.mark_price == 3_210.0 for p in snap.account.positions)

    # A restart: the stored mark is still the venue's, as of that read.
    again, rec2 = make_service(marks_factory=_public)
    again.start()
    restarted = wait_for(lambda: rec2.latest("book"))
    origin = restarted.mark_origin("ETH/USDT:USDT")
    assert origin is not None and (origin.source, origin.price) == ("public", 3_210.0)

    # The trader types a mark: that row's mark is theirs again (its price is not the read's).
    again.save_position(account_id, replace(ETH, mark_price=3_100.0), held).result(10)
    typed = wait_for(
        lambda: (s := rec2.latest("book")) and s.account.positions[0].mark_price == 3_100.0 and s
    )
    assert typed.mark_origin("ETH/USDT:USDT").price != typed.account.positions[0].mark_price


def test_refresh_without_a_venue_names_the_account(db, make_service):
    account_id = db.accounts.add("book", "manual", collateral="USDT", wallet_balance=5_000.0)
    db.positions.save(account_id, ETH)
    service, _ = make_service()
    service.start()
    failure = service.refresh_marks(account_id).exception(timeout=10)
    assert isinstance(failure, ValueError) and "account 'book': no venue" in str(failure)
    assert [s.position.mark_price for s in db.positions.list(account_id)] == [3_000.0]
