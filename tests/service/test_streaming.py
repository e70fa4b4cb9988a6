"""Live marks over the venue's websocket move health between two REST refreshes; a stream
that goes quiet leaves the account on REST, never stale while REST answers."""

from __future__ import annotations

import time

from monitor.sources.sim import DEMO_CREDENTIALS

from .conftest import wait_for

KEY = DEMO_CREDENTIALS.api_key


def _at(snap, venue):
    """Every mark in the snapshot is the venue's now (as it prints them: 8 decimals)."""
    by_id = venue.marks()
    marks = {m.symbol: by_id[m.id] for m in venue.markets}
    return all(abs(p.mark_price / marks[p.symbol] - 1) < 1e-9 for p in snap.account.positions)


def test_a_mark_move_reaches_the_health_before_the_next_poll(db, venue, make_service):
    ws_url = venue.start_stream()
    # REST every 30 s: only the stream can bring the move within the wait below.
    db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 30, "ws_url": ws_url}
    )
    service, rec = make_service()
    service.start()
    first = wait_for(lambda: (s := rec.latest("demo")) and s.known and s)
    before = first.health.health_ratio
    wait_for(lambda: venue.stream.connections() > 0, timeout=10)
    moved_at = time.monotonic()
    venue.shift_all(0.97)
    snap = wait_for(lambda: (s := rec.latest("demo")) and _at(s, venue) and s, timeout=5)
    assert time.monotonic() - moved_at < 2.0  # well inside one 30 s poll
    assert snap.health.health_ratio < before
    reported = venue.reported(KEY).pool("USDT").health
    assert abs(snap.health.health_ratio / reported - 1) < 1e-6  # the venue's own figure


def test_a_quiet_stream_falls_back_to_rest_without_going_stale(db, venue, make_service):
    ws_url = venue.start_stream()
    db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.3, "ws_url": ws_url}
    )
    service, rec = make_service()
    service.start()
    wait_for(lambda: (s := rec.latest("demo")) and s.known)
    wait_for(lambda: venue.stream.connections() > 0, timeout=10)
    venue.stream.go_quiet()
    venue.shift_all(0.98)
    # REST brings the move, and the account stays known throughout.
    snap = wait_for(lambda: (s := rec.latest("demo")) and _at(s, venue) and s, timeout=10)
    assert snap.known


def test_a_change_at_the_venue_is_read_at_once_off_the_user_data_stream(db, venue, make_service):
    """Binance's ACCOUNT_UPDATE (a deposit here) wakes the REST read: the new wallet shows in a
    second or two, not at the next of the 30 s polls."""
    import dataclasses

    ws_url = venue.start_stream()
    db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 30, "ws_url": ws_url}
    )
    service, rec = make_service()
    service.start()
    first = wait_for(lambda: (s := rec.latest("demo")) and s.known and s)
    wallet = first.account.wallet_balance
    wait_for(lambda: venue.stream.listening(KEY), timeout=10)
    book = venue.book(KEY)
    changed_at = time.monotonic()
    venue.set_book(KEY, dataclasses.replace(book, wallet=book.wallet + 1_000.0))
    wait_for(
        lambda: (s := rec.latest("demo")) and abs(s.account.wallet_balance - wallet - 1_000) < 1e-6,
        timeout=10,
    )
    assert time.monotonic() - changed_at < 3.0  # well inside one 30 s poll
