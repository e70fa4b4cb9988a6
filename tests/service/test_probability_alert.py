"""The probability alert (off unless an account sets it) through the one alert path: a book
the venue's served walk liquidates within 24 h with a known, high probability (the symmetric
walk's barrier probability, re-stated independently in tests/domain/random_walk.py) and an
account threshold below it -> one alert on a real loopback webhook, logged once, and not sent
again when the figures are recomputed."""

from __future__ import annotations

import json
import math
import threading

import pytest

from monitor.domain.alerts import EventKind
from monitor.domain.risk.probability import Settings
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.risk_job import AccountRisk, RiskJob, stored_alert, stored_market
from monitor.service.sources import Connection
from monitor.service.webhooks import WebhookDispatcher, parse_target
from monitor.sources.sim import DEMO_CREDENTIALS, SimBook, SimPosition
from tests.domain.random_walk import S, barrier_probability, symmetric_returns

from .conftest import wait_for

KEY = DEMO_CREDENTIALS.api_key
Q = 0.5
MMR = 0.004  # BTCUSDT's first bracket (cum 0): Q x mark stays inside it


def test_a_high_probability_rings_once_on_a_webhook(db, venue, make_service, receiver):
    mark = venue.marks()["BTCUSDT"]
    # An isolated long whose liquidation price sits 10.5 steps of the walk below the mark:
    # long LP = (Q E - W - cum) / (Q (1 - MMR))  =>  W = Q E - LP Q (1 - MMR), E = mark.
    liquidation = mark * math.exp(-10.5 * S)
    wallet = Q * mark - liquidation * Q * (1 - MMR)
    position = SimPosition("BTCUSDT", Q, mark, 20, isolated_wallet=wallet)
    venue.set_book(KEY, SimBook("demo", 1_000.0, (position,)))
    reported = venue.reported(KEY).position("BTC/USDT:USDT", "long").liquidation_price
    assert reported == pytest.approx(liquidation, rel=1e-9)
    venue.history.set_returns("BTCUSDT", symmetric_returns(), last=mark)
    expected = barrier_probability(1440, 11)  # 11 net down-steps of the walk reach it
    assert expected > 0.7
    settings = {"interval": 0.2, "probability_alert": 0.5}  # ring at a 50 % chance
    account_id = db.accounts.add("demo", "simulated", venue="binanceusdm", settings=settings)
    service, recorder = make_service()
    dispatcher = WebhookDispatcher([parse_target(f"json={receiver.url('/alerts')}")])
    service.subscribe(lambda _snapshot: None, dispatcher.on_event)

    def public(_record: object) -> Connection:  # the venue's public candles: no keys
        return Connection(ExchangeSettings("binanceusdm", api_url=venue.url), Credentials())

    results: list[AccountRisk] = []
    lock = threading.Lock()

    def publish(risk: AccountRisk) -> None:
        with lock:
            results.append(risk)

    job = RiskJob(
        publish,
        market_of=stored_market(service.record, public),
        every=0.5,  # recomputed about every second: the alert must not ring again
        settings=Settings(paths=2_000, seed=4),
        alert_of=stored_alert(service.record),
        on_alarm=service.probability_alert,
    )
    service.subscribe(job.on_snapshot)
    job.start()
    try:
        service.start()
        wait_for(lambda: len(results) >= 3, timeout=120)  # the 2nd's alarm check is done
    finally:
        job.stop()
    # Whatever the job asked of the service's loop is done after this command's turn there.
    service.set_interval(account_id, 1.0).result(10)
    assert dispatcher.close(timeout=10)

    first = dict(results[0].pools)
    (isolated,) = [r for r in first.values() if r.symbol == "BTC/USDT:USDT"]
    estimate = isolated.probability["24h"]
    assert abs(estimate.p - expected) <= estimate.error + 0.02
    assert len(results) >= 3
    # The book is also near liquidation by price (its own level alert rings too): the
    # probability alert is the POST of kind "probability" — one, though the figures came
    # three times.
    bodies = [json.loads(r.body) for r in receiver.requests]
    (body,) = [b for b in bodies if b["kind"] == "probability"]
    assert "liquidation within 24 h" in body["message"] and "alert at 50 %" in body["message"]
    assert "BTC/USDT:USDT" in body["message"]
    rung = [e for e in recorder.events if e.kind == "alert" and e.payload.notify]
    assert [e.payload.kind for e in rung].count(EventKind.PROBABILITY) == 1
    logged = [a for a in db.alerts.recent(50, account_id=account_id) if a.kind == "probability"]
    assert len(logged) == 1


def test_no_threshold_no_alert(db, venue, make_service):
    """Off by default: the same book, no setting -> figures but no alert."""
    mark = venue.marks()["BTCUSDT"]
    wallet = Q * mark - mark * math.exp(-10.5 * S) * Q * (1 - MMR)
    position = SimPosition("BTCUSDT", Q, mark, 20, isolated_wallet=wallet)
    venue.set_book(KEY, SimBook("demo", 1_000.0, (position,)))
    venue.history.set_returns("BTCUSDT", symmetric_returns(), last=mark)
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    service, recorder = make_service()

    def public(_record: object) -> Connection:
        return Connection(ExchangeSettings("binanceusdm", api_url=venue.url), Credentials())

    results: list[AccountRisk] = []
    job = RiskJob(
        results.append,
        market_of=stored_market(service.record, public),
        every=3600.0,
        settings=Settings(paths=500, seed=4),
        alert_of=stored_alert(service.record),
        on_alarm=service.probability_alert,
    )
    service.subscribe(job.on_snapshot)
    job.start()
    try:
        service.start()
        wait_for(lambda: results[:1], timeout=120)
    finally:
        job.stop()
    service.set_interval(account_id, 1.0).result(10)
    high = [r for _, r in results[0].pools if r.probability and r.probability["24h"].p > 0.5]
    assert high  # the figures would have rung
    assert not [e for e in recorder.events if e.kind == "alert" and e.payload.kind == "probability"]
