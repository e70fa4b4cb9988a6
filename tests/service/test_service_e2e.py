"""Simulated venue -> ccxt -> service -> engine -> store, on loopback, with faults injected."""

from __future__ import annotations

import itertools
import math

import pytest

from monitor.service.snapshot import SourceState
from monitor.sources.sim.venue import DEMO_CREDENTIALS

from .conftest import wait_for

KEY = DEMO_CREDENTIALS.api_key


def _known(recorder, name="demo"):
    snap = recorder.latest(name)
    return snap if snap is not None and snap.known else None


def test_pipeline_reproduces_the_engine_on_the_venue_book(db, venue, make_service):
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    service, rec = make_service()
    service.start()
    snap = wait_for(lambda: _known(rec))

    # The venue's own figures, from its own statement of Binance's rules (not our engine).
    theirs = venue.reported(KEY)
    pool = theirs.pool("USDT")
    assert snap.health.health_ratio == pytest.approx(pool.health, rel=1e-9)
    assert snap.health.margin_balance == pytest.approx(pool.margin_balance, rel=1e-9)
    ours = {(p.symbol, p.side): p for p in snap.health.positions}
    marks, ids = venue.marks(), {m.symbol: m.id for m in venue.markets}
    amounts = {h.market: abs(h.amount) for h in venue.book(KEY).positions}
    assert len(ours) == len(theirs.positions)
    for p in theirs.positions:
        got = ours[(p.symbol, p.side)]
        market = ids[p.symbol]
        assert got.notional == pytest.approx(amounts[market] * marks[market], rel=1e-12)
        assert got.liquidation_price == pytest.approx(p.liquidation_price, rel=1e-9)
        # The venue's own liquidation price (8 decimals) sits beside ours.
        assert got.exchange_liquidation_price == pytest.approx(p.liquidation_price, rel=1e-7)
    assert snap.exchange_disagreement is None

    # The store holds what was shown: the live positions and a history row (written just
    # after the snapshot went out: alerts never wait on it, recompute_job.py).
    stored = db.positions.list(account_id)
    assert {(s.position.symbol, s.position.side) for s in stored} == set(ours)
    history = wait_for(lambda: h if len(h := db.history.health(account_id, 0, 1e12)) else None)
    assert history.health_ratio[-1] == pytest.approx(snap.baseline.health_ratio)
    assert db.source_status.get(account_id).last_success is not None


def test_price_move_reaches_the_snapshot(db, venue, make_service):
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service()
    service.start()
    before = wait_for(lambda: _known(rec)).health.health_ratio
    venue.shift_all(0.97)
    target = venue.reported(KEY).pool("USDT").health
    assert target < before
    wait_for(
        lambda: _known(rec) and math.isclose(_known(rec).health.health_ratio, target, rel_tol=1e-9)
    )


@pytest.mark.parametrize(
    ("fault", "value", "expected_words"),
    [
        ("server_error", 503, "503"),
        ("rate_limit", 0.3, ""),
        ("malformed", None, ""),
        ("latency", 3.0, ""),
    ],
)
def test_transient_faults_keep_the_last_good_book_and_recover(
    db, venue, make_service, fault, value, expected_words
):
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    service, rec = make_service()
    service.start()
    good = wait_for(lambda: _known(rec))
    positions_before = len(good.account.positions)
    requests_before = venue.requests.count(api_key=KEY)

    if fault == "latency":
        # Slower than the stale window (3 intervals or 1 s): the data must turn stale.
        venue.faults.set(fault, value, api_key=KEY)
    else:
        venue.faults.set(fault, value, api_key=KEY)
    bad = wait_for(
        lambda: (
            (s := rec.latest("demo"))
            and s.status.state in (SourceState.ERROR, SourceState.STALE)
            and s
        )
    )
    assert not bad.known  # a failing source never shows as current
    assert expected_words in (bad.status.last_error or "")
    # The reason names the request, never its signature or timestamp.
    assert "signature=" not in (bad.status.last_error or "")
    # Nothing lost: the last good positions stay in the store and in the snapshot.
    assert len(db.positions.list(account_id)) == positions_before
    assert len(bad.account.positions) == positions_before

    if fault == "rate_limit":
        # Retry-After honoured: no two attempts closer than the 0.3 s the venue asked for
        # while the fault stood (an attempt sends its reads together: group by 50 ms).
        def attempts():
            times = sorted(r.at for r in venue.requests.records() if r.status == 429)
            return [t for i, t in enumerate(times) if i == 0 or t - times[i - 1] > 0.05]

        spaced = wait_for(lambda: len(attempts()) >= 3 and attempts())
        assert all(b - a >= 0.29 for a, b in itertools.pairwise(spaced))
    venue.faults.clear()
    wait_for(lambda: _known(rec))
    assert venue.requests.count(api_key=KEY) > requests_before


def test_auth_failure_stops_the_account_until_asked(db, venue, make_service):
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service()
    service.start()
    wait_for(lambda: _known(rec))
    venue.faults.set("auth", api_key=KEY)
    failed = wait_for(
        lambda: (s := rec.latest("demo")) and s.status.state is SourceState.AUTH_FAILED and s
    )
    assert failed.health is not None and not failed.known
    count = venue.requests.count(api_key=KEY)
    # Stopped: no retries on its own. Absence can only be watched for a while: 5 intervals.
    import time

    quiet_until = time.monotonic() + 1.0
    wait_for(lambda: time.monotonic() > quiet_until)
    assert venue.requests.count(api_key=KEY) <= count + 1
    venue.faults.clear()
    service.refresh()
    wait_for(lambda: _known(rec))


def test_a_hang_turns_stale_and_raises_the_stale_alert(db, venue, make_service):
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service()
    service.start()
    wait_for(lambda: _known(rec))
    venue.faults.set("hang", api_key=KEY)
    stale = wait_for(
        lambda: (s := rec.latest("demo")) and s.status.state is SourceState.STALE and s
    )
    assert not stale.known
    alert = wait_for(lambda: [e for e in rec.events if e.payload.kind.value == "stale"])
    assert "demo" in alert[0].message
    venue.faults.clear()
    wait_for(lambda: _known(rec), timeout=30)


def test_a_cut_short_positions_answer_is_rejected_not_applied_as_empty(db, venue, make_service):
    """ccxt parses a truncated positionRisk body as no positions at all; that must not wipe
    the book (the balance answer, which is fine, still lists the positions' margin)."""
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    service, rec = make_service()
    service.start()
    good = wait_for(lambda: _known(rec))
    venue.faults.set("malformed", api_key=KEY, path="/fapi/v3/positionRisk")
    bad = wait_for(lambda: (s := rec.latest("demo")) and s.status.state is SourceState.ERROR and s)
    assert "positionRisk" in bad.status.last_error or "malformed" in bad.status.last_error.lower()
    assert len(db.positions.list(account_id)) == len(good.account.positions)


def test_a_venue_that_disagrees_is_shown_and_alerted(db, venue, make_service):
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    service, rec = make_service()
    service.start()
    wait_for(lambda: _known(rec))
    assert rec.latest("demo").exchange_disagreement is None
    venue.faults.set("liquidation_offset", 0.02, api_key=KEY)  # the venue's prices 2 % off
    snap = wait_for(lambda: (s := _known(rec)) and s.exchange_disagreement and s)
    assert "venue liq" in snap.exchange_disagreement
    alert = wait_for(
        lambda: [e for e in list(rec.events) if e.payload.kind.value == "disagreement"]
    )
    assert alert[0].payload.notify
    # The venue's tiers were stored with their fetch time.
    stored = db.market.tiers("binanceusdm", "BTC/USDT:USDT")
    assert stored is not None and stored[1] > 0 and len(stored[0]) > 1
    assert account_id


def test_data_that_cannot_be_applied_is_a_failed_refresh_not_a_dead_worker(db, venue, make_service):
    """A refresh whose answer holds no margin pool is refused with the reason, retried with
    backoff, and the account recovers when the venue answers properly again."""
    from dataclasses import replace

    from monitor.sources.exchange.reader import ExchangeReader

    from .conftest import test_reader

    answers = {"empty": 2}

    class EmptyFirst(ExchangeReader):
        async def fetch(self, now):
            result = await super().fetch(now)
            if answers["empty"]:
                answers["empty"] -= 1
                return replace(result, accounts=())
            return result

    def reader(connection, name):
        real = test_reader(connection, name)
        real.__class__ = EmptyFirst
        return real

    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service(reader_factory=reader)
    service.start()
    failed = wait_for(lambda: (s := rec.latest("demo")) and s.status.last_error and s)
    assert "no margin pool" in failed.status.last_error
    wait_for(lambda: _known(rec))
