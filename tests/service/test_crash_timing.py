"""Issue 11's crash, on default settings: a leveraged cross book on the simulated Binance venue
while every mark falls 0.1 % a second. The venue records the moment its own rules liquidate the
pool; the alerts are timed where a trader gets them, at a webhook receiver on loopback.

The book (10,000 USDT; long 2 BTC at 60,000, long 30 ETH at 3,000, short 200 SOL at 150) is
liquidated by a 4.89 % fall. To keep the run short the crash opens with a 3.5 % gap and then
falls 0.1 % a second, so the last 1.4 % (and with it the critical band) is played in real time.
tests/bench/test_crash_bench.py plays the whole crash from the start.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.sources import Connection
from monitor.service.webhooks import WebhookDispatcher, parse_target
from monitor.sources.sim.book import SimBook, SimPosition
from monitor.sources.sim.venue import SimVenue

from .conftest import Receiver, Recorder, wait_for

CRASH_BOOK = SimBook(
    "crash",
    10_000.0,
    (
        SimPosition("BTCUSDT", 2, 60_000.0, 20),
        SimPosition("ETHUSDT", 30, 3_000.0, 20),
        SimPosition("SOLUSDT", -200, 150.0, 20),
    ),
)
START = {"BTCUSDT": 60_000.0, "ETHUSDT": 3_000.0, "SOLUSDT": 150.0}
PACE = 0.001  # of the starting marks, every second
GAP = 0.035  # the opening gap of the short crash


def crash_path(gap: float, seconds: float = 120.0) -> list[tuple[float, float]]:
    """Marks `gap` down one second in, then 0.1 % of the start lower every second."""
    path = [(0.0, 0.0)] + ([(1.0, -gap)] if gap else [])
    begin = path[-1][0]
    return [*path, (begin + seconds, -(gap + PACE * seconds))]


class CrashRun:
    """A venue holding the crash book, a service watching it with default settings, and a
    webhook receiver; `play` runs the crash until the liquidation alert is received."""

    def __init__(self, db: Any, venue: SimVenue, receiver: Receiver, stream: bool) -> None:
        self.db, self.venue, self.receiver = db, venue, receiver
        self.key = venue.add_book(CRASH_BOOK)
        venue.set_marks(START)
        settings: dict[str, Any] = {}
        if stream:
            settings["ws_url"] = venue.start_stream()
        self.account_id = db.accounts.add(
            "crash", "simulated", venue="binanceusdm", collateral="USDT", settings=settings
        )

        def sim(record: Any) -> Connection:
            return Connection(
                ExchangeSettings("binanceusdm", api_url=venue.url),
                Credentials(self.key.api_key, self.key.secret),
            )

        self.service = MonitorService(db, sim=sim)  # default rules, interval, tick
        self.recorder = Recorder()
        self.dispatcher = WebhookDispatcher([parse_target(f"json={receiver.url('/alerts')}")])
        self.service.subscribe(self.recorder.on_snapshot, self.recorder.on_event)
        self.service.subscribe(lambda _s: None, self.dispatcher.on_event)

    def play(self, gap: float, stream: bool, timeout: float) -> dict[str, Any]:
        self.service.start()
        wait_for(lambda: (s := self.recorder.latest("crash")) and s.known, timeout=30)
        if stream:
            wait_for(lambda: self.venue.stream.connections() > 0, timeout=10)
        self.venue.play_crash(crash_path(gap))
        self.venue.start_ticker(interval=1.0)  # one venue second per second: the real pace
        received = wait_for(lambda: self._pool_levels().get("liquidation"), timeout=timeout)
        liquidated = self.venue.liquidated_at(self.key.api_key, "USDT")
        assert liquidated is not None, "the venue never liquidated the pool"
        self.venue.stop_ticker()
        return {"liquidated": liquidated, "liquidation": received, **self._pool_levels()}

    def bodies(self) -> list[dict[str, Any]]:
        return [{**json.loads(r.body), "_at": r.at} for r in list(self.receiver.requests)]

    def _pool_levels(self) -> dict[str, float]:
        """When each level's first alert reached the receiver."""
        firsts: dict[str, float] = {}
        for body in self.bodies():
            if body.get("subject") == str(self.account_id):
                firsts.setdefault(body["level"], body["_at"])
        return firsts

    def close(self) -> None:
        self.venue.stop_ticker()
        self.service.stop()
        self.dispatcher.close(5)


@pytest.fixture
def crash(db: Any, receiver: Receiver) -> Iterator[Any]:
    runs: list[CrashRun] = []
    venues: list[SimVenue] = []

    def make(stream: bool) -> CrashRun:
        venue = SimVenue(seed=1, demo_book=None)
        venue.start()
        venues.append(venue)
        run = CrashRun(db, venue, receiver, stream)
        runs.append(run)
        return run

    yield make
    for run in runs:
        run.close()
    for venue in venues:
        venue.stop()


def _pool_alerts(run: CrashRun) -> list[tuple[str, str]]:
    return [
        (b["kind"], b["level"]) for b in run.bodies() if b.get("subject") == str(run.account_id)
    ]


def timeline(run: CrashRun, times: dict[str, Any]) -> str:
    """What the receiver got, in seconds from the venue's liquidation (for a failure's text)."""
    return "\n".join(
        f"{b['_at'] - times['liquidated']:+7.2f} s  {b['kind']} {b['level']}" for b in run.bodies()
    )


def _disagreements(run: CrashRun) -> list[Any]:
    return [
        e.payload
        for e in list(run.recorder.events)
        if e.kind == "alert" and "disagree" in e.payload.kind.value
    ]


def test_streaming_critical_comes_8_s_ahead_and_liquidation_within_1_5_s(crash: Any) -> None:
    run = crash(stream=True)
    times = run.play(GAP, stream=True, timeout=60)
    liquidated = times["liquidated"]
    assert liquidated - times["critical"] >= 8.0, times
    assert times["liquidation"] - liquidated <= 1.5, times
    rang = [level for kind, level in _pool_alerts(run) if kind in ("raised", "escalated")]
    assert rang == ["warning", "critical", "liquidation"], timeline(run, times)  # each once
    assert not _disagreements(run)


def test_over_rest_alone_critical_still_comes_before_the_liquidation(crash: Any) -> None:
    run = crash(stream=False)
    times = run.play(GAP, stream=False, timeout=60)
    liquidated = times["liquidated"]
    assert times["critical"] < liquidated, times
    # Within one poll (the default 2 s) and half a second of the venue's liquidation.
    assert times["liquidation"] - liquidated <= 2.5, times
    rang = [level for kind, level in _pool_alerts(run) if kind in ("raised", "escalated")]
    assert rang == ["warning", "critical", "liquidation"], timeline(run, times)
    assert not _disagreements(run)
