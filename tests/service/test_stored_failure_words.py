"""After a restart, an account whose venue was failing reads in the words the trader saw while it
failed live (diagnosis.status_sentence), not in the library's raw text the store keeps: in the
stored book a window shows while its service starts, in the service's first status, and in a
viewer that polls nothing. The raw text stays as the details."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.snapshot import SourceState
from monitor.service.sources import Connection
from monitor.service.stored_book import stored_snapshot
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue
from monitor.store.database import Database

from .conftest import FAST_BACKOFF, FAST_RULES, Recorder, test_reader, wait_for

FAILING = (SourceState.ERROR, SourceState.AUTH_FAILED)


@contextmanager
def running(db: Database, venue: SimVenue, viewer: bool = False) -> Iterator[Recorder]:
    """A service on `db` polling the demo on `venue` (a viewer: polling nothing), stopped after:
    one process of the app, then the next on the same file."""

    def sim(_record: Any) -> Connection:
        settings = ExchangeSettings("binanceusdm", api_url=venue.url)
        return Connection(settings, Credentials(DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret))

    service = MonitorService(
        db, sim=sim, rules=FAST_RULES, backoff=FAST_BACKOFF, tick=0.1,
        reader_factory=test_reader, viewer=viewer,
    )  # fmt: skip
    recorder = Recorder()
    service.subscribe(recorder.on_snapshot, recorder.on_event)
    service.start()
    try:
        yield recorder
    finally:
        service.stop()


def _venue_down(venue: SimVenue) -> None:
    venue.stop()  # nothing listens on its port any more: the connection is refused


@pytest.mark.parametrize(
    "break_it",
    [
        lambda v: v.faults.set("server_error", 502),
        lambda v: v.faults.set("permission", api_key=DEMO_CREDENTIALS.api_key),
        lambda v: v.faults.set("maintenance"),
        _venue_down,
    ],
    ids=["502", "permission", "maintenance", "refused"],
)
def test_a_stored_failure_reads_as_it_did_live(
    db: Database, venue: SimVenue, break_it: Any
) -> None:
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    with running(db, venue) as rec:
        wait_for(lambda: (s := rec.latest("demo")) and s.status.state is SourceState.OK)
        break_it(venue)
        live = wait_for(
            lambda: (s := rec.latest("demo")) and s.status.state in FAILING and s.status
        )
    assert live.advice and live.last_error and live.advice != live.last_error

    # What the window shows while its service starts: the stored book.
    (starting,) = stored_snapshot(db, time.time()).accounts
    assert starting.status.advice == live.advice
    assert starting.status.last_error == live.last_error  # the details, kept

    # A viewer polls nothing: the stored failure is all it ever has.
    with running(db, venue, viewer=True) as rec:
        seen = wait_for(lambda: rec.latest("demo"))
    assert seen.status.state is SourceState.ERROR
    assert seen.status.advice == live.advice
    assert seen.status.last_error == live.last_error

    # The service's own first status, before its first read (the venue still failing).
    with running(db, venue) as rec:
        first = wait_for(lambda: _first(rec, "demo"))
    assert first.status.state is SourceState.STARTING
    assert first.status.advice == live.advice


@pytest.mark.parametrize(
    "break_it",
    [
        lambda v: v.faults.set("server_error", 502),
        lambda v: v.faults.set("permission", api_key=DEMO_CREDENTIALS.api_key),
        lambda v: v.faults.set("maintenance"),
    ],
    ids=["502", "permission", "maintenance"],
)
def test_a_failure_stored_as_raw_text_before_is_diagnosed_again(
    db: Database, venue: SimVenue, break_it: Any
) -> None:
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    with running(db, venue) as rec:
        wait_for(lambda: (s := rec.latest("demo")) and s.status.state is SourceState.OK)
        break_it(venue)
        live = wait_for(
            lambda: (s := rec.latest("demo")) and s.status.state in FAILING and s.status
        )
    # As the app stored a failure before it kept the words: the library's text alone (which
    # names the ccxt class and carries the venue's code).
    db.source_status.set_error(account_id, time.time(), live.last_error)
    (starting,) = stored_snapshot(db, time.time()).accounts
    assert starting.status.advice == live.advice
    assert starting.status.last_error == live.last_error


def _first(rec: Any, name: str) -> Any:
    for snap in list(rec.snapshots):
        for account in snap.accounts:
            if account.name == name:
                return account
    return None
