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


def _read_overtaken_by_the_stream(db, venue, make_service, before_the_read=lambda: None):  # type: ignore[no-untyped-def]
    """A REST read answered and held up on the store thread while the stream brings a 3 %
    move; returns (the snapshot the stream brought, the one after the read is stored)."""
    import threading

    ws_url = venue.start_stream()
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 30, "ws_url": ws_url}
    )
    service, rec = make_service()
    read: list[float] = []
    answered = threading.Event()
    on_fetched = service.on_fetched

    async def answered_then_stored(aid, result):  # type: ignore[no-untyped-def]
        read.append(result.fetched_at)
        answered.set()
        await on_fetched(aid, result)

    service.on_fetched = answered_then_stored
    service.start()
    wait_for(lambda: (s := rec.latest("demo")) and s.known)
    wait_for(lambda: venue.stream.connections() > 0, timeout=10)
    before_the_read()
    # The store thread held up: the next read is answered and waits there to be stored.
    store = threading.Event()
    service._store_thread.submit(store.wait, 10)
    answered.clear()
    service.refresh(account_id)
    assert answered.wait(10)
    venue.shift_all(0.97)  # streamed while the read waits
    moved = wait_for(lambda: (s := rec.latest("demo")) and _at(s, venue) and s, timeout=10)
    store.set()
    stored = wait_for(
        lambda: (s := rec.latest("demo")) and s.status.last_success == read[-1] and s, timeout=10
    )
    return moved, stored


def test_a_rest_read_never_takes_the_marks_back_behind_the_stream(db, venue, make_service):
    """A REST read answers with the marks of its request; streamed marks that came in after it
    was sent are newer and stay (on a busy machine the read is stored a second or more after
    its answer). In the demo crash, such a read took the health back from 1.00 to 1.17 and the
    liquidation alert rang twice."""
    moved, snap = _read_overtaken_by_the_stream(db, venue, make_service)
    assert _at(snap, venue)  # the streamed marks, not the read's older ones
    assert snap.health.health_ratio == moved.health.health_ratio
    assert all(p.exchange_disagreement is None for p in snap.pools)


def test_a_read_overtaken_by_the_stream_is_judged_on_its_own_marks(db, venue, make_service):
    """The venue's figures in that read are judged against ours at the read's marks (figures
    fetched together): its liquidation prices 2 % off are told, and the 3 % the market moved
    meanwhile is not taken for a disagreement in health."""

    def venue_prices_off() -> None:
        venue.faults.set("liquidation_offset", 0.02, api_key=KEY)

    _, snap = _read_overtaken_by_the_stream(db, venue, make_service, venue_prices_off)
    told = snap.pools[0].exchange_disagreement
    assert told is not None and "venue liq" in told and "venue health" not in told
