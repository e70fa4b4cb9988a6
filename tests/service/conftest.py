"""Service tests: a real database (each test on a SQLite file, then on a PostgreSQL database:
`db_url`), the simulated venue on loopback, the real ccxt, a running MonitorService; and
(below) a real HTTP receiver on 127.0.0.1 for the webhook tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest

from monitor.domain.alerts import AlertRules
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.backoff import Backoff
from monitor.service.monitor_service import MonitorService
from monitor.service.sources import Connection
from monitor.sources.exchange.reader import ExchangeReader
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue
from monitor.store.database import Database, open_database

T = TypeVar("T")

# Quick rhythms so tests wait for conditions in fractions of a second.
FAST_RULES = AlertRules(stale_intervals=3, stale_min_seconds=1.0)
FAST_BACKOFF = Backoff(base=0.05, cap=0.5)


def wait_for(predicate: Callable[[], T], timeout: float = 15.0, poll: float = 0.01) -> T:
    """Poll `predicate` until it returns something truthy, up to a deadline; return it."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        pause.wait(poll)


@pytest.fixture
def venue() -> Iterator[SimVenue]:
    v = SimVenue(seed=3)
    v.start()
    yield v
    v.stop()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()


def test_reader(connection: Connection, name: str) -> ExchangeReader:
    # ccxt's rate limiter would only slow offline tests down; production keeps it on.
    return ExchangeReader(
        connection.settings, connection.credentials, account_name=name, enable_rate_limit=False
    )


test_reader.__test__ = False  # type: ignore[attr-defined]  # a factory, not a test


class Recorder:
    """Collects what a service publishes (called on the service thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.snapshots: list[Any] = []
        self.events: list[Any] = []

    def on_snapshot(self, snapshot: Any) -> None:
        with self._lock:
            self.snapshots.append(snapshot)

    def on_event(self, event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def latest(self, name: str) -> Any:
        with self._lock:
            snaps = list(self.snapshots)
        for snap in reversed(snaps):
            for account in snap.accounts:
                if account.name == name:
                    return account
        return None


@pytest.fixture
def make_service(db: Database, venue: SimVenue) -> Iterator[Callable[..., Any]]:
    """make(keys={account name: (api key, secret)}, **MonitorService kwargs); demo by default."""
    services: list[MonitorService] = []

    def make(
        keys: dict[str, tuple[str, str]] | None = None, **kwargs: Any
    ) -> tuple[MonitorService, Recorder]:
        keys = keys or {"demo": (DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret)}

        def sim(record: Any) -> Connection:
            key, secret = keys[record.name]
            settings = ExchangeSettings("binanceusdm", api_url=venue.url)
            return Connection(settings, Credentials(key, secret))

        kwargs.setdefault("rules", FAST_RULES)
        kwargs.setdefault("backoff", FAST_BACKOFF)
        kwargs.setdefault("tick", 0.1)
        kwargs.setdefault("reader_factory", test_reader)
        service = MonitorService(db, sim=sim, **kwargs)
        recorder = Recorder()
        service.subscribe(recorder.on_snapshot, recorder.on_event)
        services.append(service)
        return service, recorder

    yield make
    for service in services:
        service.stop()


# --- webhook tests: a real HTTP receiver on loopback ----------------------------------------


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: Message
    body: bytes
    at: float  # time.monotonic() when the request arrived


class Receiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._changed = threading.Condition()
        # Per path, the statuses (and headers) to answer with, in turn; then 200.
        self._script: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.always: tuple[int, dict[str, str]] | None = None  # answer every request so
        self.gate = threading.Event()  # cleared: hold every answer until set
        self.gate.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._changed:
                    receiver.requests.append(
                        Received("POST", self.path, self.headers, body, time.monotonic())
                    )
                    receiver._changed.notify_all()
                receiver.gate.wait(10.0)
                status, headers = receiver._answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *answers: int | tuple[int, dict[str, str]]) -> None:
        self._script[path] = [a if isinstance(a, tuple) else (a, {}) for a in answers]

    def _answer(self, path: str) -> tuple[int, dict[str, str]]:
        with self._changed:
            if self.always is not None:
                return self.always
            queue = self._script.get(path)
            return queue.pop(0) if queue else (200, {})

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Wait until `count` requests arrived (by condition, not by sleeping)."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.requests) >= count, timeout)
            assert arrived, f"only {len(self.requests)} of {count} requests arrived"
            return list(self.requests)

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def dead_url() -> str:
    """A loopback URL nobody listens on: connections are refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"
