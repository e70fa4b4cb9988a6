"""A streamed tick's alert rings before the tick's history is written: the history row is a
store write (a commit, an fsync, a write lock another writer may hold) and the alert waits on
none of it (issue 11). A history row the store refuses is lost alone: the alert rang, the
snapshot is published, the service carries on."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from monitor.domain import Level
from monitor.domain.alerts import AlertEvent
from monitor.store.database import Database

from .conftest import wait_for
from .test_crash_timing import CRASH_BOOK, START

REFUSAL = "history refused"
SQLITE_REFUSAL = [
    f"""CREATE TRIGGER refuse_history BEFORE INSERT ON account_health
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
]
POSTGRESQL_REFUSAL = [
    f"""CREATE FUNCTION refuse_history() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER refuse_history BEFORE INSERT ON account_health
    FOR EACH ROW EXECUTE FUNCTION refuse_history()""",
]


def _refuse_history(db: Database) -> None:
    """The store itself refuses every new history row from now on (a real fault, in SQL)."""
    statements = SQLITE_REFUSAL if db.engine.dialect.name == "sqlite" else POSTGRESQL_REFUSAL
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


class Timeline(logging.Handler):
    """What the service did, in the order it did it: its alerts and its logged failures (both
    reach us on the service thread)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self._lock = threading.Lock()
        self.entries: list[tuple[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and REFUSAL in str(record.exc_info[1]):
            with self._lock:
                self.entries.append(("history failed", record.getMessage()))

    def on_event(self, event: Any) -> None:
        if event.kind == "alert" and isinstance(event.payload, AlertEvent):
            with self._lock:
                self.entries.append(("alert", event.payload))

    def place(self, what: str, level: Level | None = None) -> int | None:
        """1 + the position of the first such entry (truthy, for wait_for); None: none yet."""
        with self._lock:
            for i, (kind, entry) in enumerate(self.entries, start=1):
                if kind == what and (level is None or entry.level is level):
                    return i
        return None


@pytest.fixture
def timeline() -> Iterator[Timeline]:
    handler = Timeline()
    logger = logging.getLogger("monitor")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_a_streamed_tick_rings_its_alert_before_writing_its_history(
    db: Database, venue: Any, make_service: Any, timeline: Timeline
) -> None:
    ws_url = venue.start_stream()
    key = venue.add_book(CRASH_BOOK)
    venue.set_marks(START)
    # REST every 300 s: only the stream brings the fall.
    db.accounts.add(
        "crash", "simulated", venue="binanceusdm", settings={"interval": 300, "ws_url": ws_url}
    )
    skipped = [0.0]  # seconds the service's clock is put forward

    def clock() -> float:
        return time.time() + skipped[0]

    service, rec = make_service(keys={"crash": (key.api_key, key.secret)}, clock=clock)
    service.subscribe(lambda _s: None, timeline.on_event)
    service.start()
    wait_for(lambda: (s := rec.latest("crash")) and s.known, timeout=30)
    wait_for(
        lambda: any(o.source == "stream" for o in rec.latest("crash").mark_origins), timeout=10
    )
    _refuse_history(db)
    # History is written at most once a second: with the service's clock a second and a half
    # on, the fall's tick writes the account's history row as well as judging its alert.
    skipped[0] = 1.5
    # 0.5 % above liquidation by the venue's own rules: critical by the move.
    critical = venue.factor_for_health(key.api_key, 1.0) * 1.005
    venue.set_marks({m: p * critical for m, p in START.items()})

    rang = wait_for(lambda: timeline.place("alert", Level.CRITICAL), timeout=10)
    failed = wait_for(lambda: timeline.place("history failed"), timeout=10)
    assert rang < failed, timeline.entries  # rung first, then the history write tried
    wait_for(lambda: rec.latest("crash").baseline.status is Level.CRITICAL, timeout=5)
    with db.engine.connect() as conn:  # the refused rows are not there
        low = conn.execute(text("SELECT count(*) FROM account_health WHERE health_ratio < 2"))
        assert low.scalar() == 0
    # The service carries on: the marks back, the pool reads healthy again.
    venue.set_marks(START)
    wait_for(lambda: rec.latest("crash").baseline.status is Level.OK, timeout=10)
