"""Fixtures for the window tests. Qt runs offscreen; settings go to tmp_path, never the user's.

The window runs on the real parts: a MonitorService on a tmp_path SQLite file, polling the
simulated Binance venue on 127.0.0.1 through the real ccxt (rate limiter off), with the fast
rules, backoff and tick of the service tests. The venue's demo key holds `UI_BOOK` at `UI_MARKS`;
tests move its marks (`venue.set_marks` / `shift_all`) and break it (`venue.faults.set`).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from monitor.domain.model import Account
from monitor.service.api import ExchangeInfo
from monitor.service.monitor_service import MonitorService
from monitor.service.snapshot import AccountSnapshot, Snapshot
from monitor.service.sources import Connection
from monitor.sources.exchange.reader import ExchangeReader
from monitor.sources.sim.book import SimBook, SimPosition
from monitor.sources.sim.markets import market_by_name
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue
from monitor.store.database import Database, open_database
from monitor.ui.app import MainWindow
from tests.service import conftest as service_conftest
from tests.service.conftest import Recorder, test_reader, wait_for

# The service tests' fixtures, shared (one piece of code): a tmp_path SQLite file, the simulated
# venue on loopback, and make_service (FAST_RULES, FAST_BACKOFF, tick 0.1, rate limiter off).
db = service_conftest.db
venue = service_conftest.venue
make_service = service_conftest.make_service

FAKE_CATALOG = [  # ccxt's exchange list, cut to three (loading all of it is slow)
    ExchangeInfo("binanceusdm", "Binance USDⓈ-M", ("apiKey", "secret"), True),
    ExchangeInfo("hyperliquid", "Hyperliquid", ("walletAddress",), True),
    ExchangeInfo("okx", "OKX", ("apiKey", "secret", "password"), True),
]

KEY = DEMO_CREDENTIALS.api_key
INTERVAL = 0.2  # the demo account's polling interval, seconds
# The demo account's book for the window tests: all cross margin (so a what-if moves every
# liquidation price), health about 2.9 (1.5x above the warning level: what-ifs matter) and
# about 12 % from liquidation (so no alert rings until a test drives one).
UI_BOOK = SimBook(
    "demo",
    10_000.0,
    (
        SimPosition("BTCUSDT", 1.5, 62_500.0, 10),
        SimPosition("ETHUSDT", -40.0, 3_000.0, 10),
        SimPosition("SOLUSDT", 400.0, 152.0, 5),
    ),
)
UI_MARKS = {"BTC": 61_000.0, "ETH": 3_050.0, "SOL": 150.0}


@dataclass
class Rig:
    """The real service, its venue and store, and what the service told its listeners."""

    service: MonitorService
    venue: SimVenue
    db: Database
    demo_id: int
    recorder: Recorder  # every snapshot and event the service published
    readers: list[tuple[str, str]] = field(default_factory=list)  # (reader name, thread)

    def move_price(self, symbol: str, factor: float) -> None:
        """Move one mark on the venue (by symbol, e.g. "BTC/USDT:USDT")."""
        market = market_by_name(self.venue.markets, symbol)
        self.venue.set_marks({market.id: self.venue.marks()[market.id] * factor})

    def alerts(self) -> list[Any]:
        return [e for e in list(self.recorder.events) if e.kind == "alert"]


@pytest.fixture
def rig(db: Database, venue: SimVenue, make_service: Callable[..., Any]) -> Rig:
    """The demo account on the simulated venue, polled every 0.2 s; waits for its first book.
    Teardown (make_service, venue, db fixtures) stops the service, then the venue; pytest-qt
    closes the windows before any fixture is torn down."""
    venue.set_book(KEY, UI_BOOK)
    venue.set_marks(UI_MARKS)
    demo_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", collateral="USDT", settings={"interval": INTERVAL}
    )
    readers: list[tuple[str, str]] = []

    def reader(connection: Connection, name: str) -> ExchangeReader:
        readers.append((name, threading.current_thread().name))
        return test_reader(connection, name)

    service, recorder = make_service(reader_factory=reader)
    service.start()
    wait_for(lambda: (a := recorder.latest("demo")) is not None and a.known, timeout=10)
    return Rig(service, venue, db, demo_id, recorder, readers)


@pytest.fixture
def service(rig: Rig) -> MonitorService:
    return rig.service


@dataclass
class LiveVenue:
    """What the price-move test needs from the real service and its simulated venue."""

    service: MonitorService
    move_price: Callable[[str, float], None]  # (symbol, factor): moves the venue's mark
    refresh_interval_s: float


@pytest.fixture
def live_service(rig: Rig) -> LiveVenue:
    return LiveVenue(rig.service, rig.move_price, INTERVAL)


_OURS = ("monitor-service", "sim-venue-http", "sim-venue-ticker")


@pytest.fixture(autouse=True)
def _no_dangling_threads() -> Iterator[None]:
    """After each test's teardown, no service loop or venue server thread it started is left."""
    before = set(threading.enumerate())
    yield
    left = [t.name for t in threading.enumerate() if t.name in _OURS and t not in before]
    assert not left, f"threads left running after teardown: {left}"


def open_window(qtbot: Any, service: MonitorService, tmp_path: Path, **kwargs: Any) -> MainWindow:
    window = MainWindow(
        service,
        settings_path=tmp_path / "window.ini",
        exchange_catalog=lambda: FAKE_CATALOG,
        **kwargs,
    )
    qtbot.addWidget(window)
    window.show()
    service.refresh(None)
    qtbot.waitUntil(
        lambda: window.presenter.latest is not None and window.positions_model.rowCount() > 0,
        timeout=5000,
    )
    return window


@pytest.fixture
def window(qtbot: Any, service: MonitorService, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, service, tmp_path)


@pytest.fixture
def idle_window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    """The window on the real service, its database empty: it draws only the snapshots a test
    hands its presenter, rendered by hand."""
    db = open_database(f"sqlite:///{tmp_path / 'window.sqlite'}")
    service = MonitorService(db)
    service.start()
    window = MainWindow(service, settings_path=tmp_path / "w.ini")
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.presenter.timer.stop()  # rendered by hand
    yield window
    service.stop()
    db.close()


def selected(window: MainWindow) -> AccountSnapshot:
    snap = window.presenter.selected()
    assert snap is not None
    return snap


def latest(window: MainWindow) -> Snapshot:
    snap = window.presenter.latest
    assert snap is not None
    return snap


def book(snap: AccountSnapshot) -> Account:
    assert snap.account is not None
    return snap.account


@pytest.fixture
def app_theme() -> Any:
    """The window's theme on the application, as the app always runs: the app-wide style
    sheet decides how a cell's text wraps (the test ran under it only after a window test
    had set it, and failed alone). Put back after the test's widgets are gone."""
    from PySide6.QtWidgets import QApplication

    from monitor.ui.theme import apply_theme

    app = QApplication.instance()
    before = app.styleSheet()
    apply_theme(app, "dark")
    yield
    app.setStyleSheet(before)
