"""The simulated venue in this process, and the demo account that watches it.

A new user sees the monitor work within seconds, with no keys: `margin-monitor --demo` (or the
window's first-run choice "Open the simulated demo") starts the venue on loopback and adds a
"demo" account, labelled SIMULATED wherever it is shown. It is never created silently, and
removing it stops the venue.
"""

from __future__ import annotations

import threading

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.sources import Connection
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue
from monitor.store.database import Database
from monitor.store.records import AccountRecord

DEMO_ACCOUNT = "demo"
DEMO_VENUE = "binanceusdm"


# The demo crash, around the fall of every mark that liquidates the demo book's cross pool (by
# the venue's own rules): 15 s down to 3.5 % above it, then the fast crash, 0.1 % a
# second, to 0.5 % past it; 15 s there, and back up in 10 s. Warning (3 % away), critical (1 %
# away, 10 s ahead) and liquidation ring within the first minute; everything clears after it.
DEMO_CRASH_OPEN_S, DEMO_CRASH_PACE, DEMO_CRASH_HOLD_S, DEMO_CRASH_RISE_S = 15.0, 0.001, 15.0, 10.0


def demo_crash_path(liquidating_fall: float) -> list[tuple[float, float]]:
    """SimVenue.play_crash's script for a pool that a fall of `liquidating_fall` (0.05: 5 %)
    liquidates."""
    top = max(0.0, liquidating_fall - 0.035)
    bottom = liquidating_fall + 0.005
    fallen = DEMO_CRASH_OPEN_S + (bottom - top) / DEMO_CRASH_PACE
    held = fallen + DEMO_CRASH_HOLD_S
    return [
        (0.0, 0.0),
        (DEMO_CRASH_OPEN_S, -top),
        (fallen, -bottom),
        (held, -bottom),
        (held + DEMO_CRASH_RISE_S, 0.0),
    ]


def play_demo_crash(venue: SimVenue, api_key: str) -> float:
    """Make `venue` play the demo crash from its marks now, around the fall that liquidates
    `api_key`'s cross pool (by the venue's own rules); the crash's length in seconds.
    ValueError when that pool is already at or past liquidation."""
    factor = venue.factor_for_health(api_key, 1.0)
    return venue.play_crash(demo_crash_path(1.0 - factor))


class LocalVenue:
    """A SimVenue on 127.0.0.1 with its prices ticking and its marks streaming, and the
    resolver the service needs."""

    def __init__(self, seed: int = 0, tick: float = 1.0) -> None:
        self.venue = SimVenue(seed=seed)
        self.url = self.venue.start()
        self.ws_url = self.venue.start_stream()
        self.venue.start_ticker(interval=tick)

    def resolve(self, record: AccountRecord) -> Connection:
        """Simulated accounts all read the demo book (their keys live only in this process)."""
        return Connection(
            ExchangeSettings(DEMO_VENUE, api_url=self.url),
            Credentials(DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret),
            ws_url=self.ws_url,
        )

    def play_crash(self) -> float:
        return play_demo_crash(self.venue, DEMO_CREDENTIALS.api_key)

    def stop(self) -> None:
        self.venue.stop()


class DemoHost:
    """The simulated venue of this process, started when a simulated account first needs it
    (at start, or when the trader opens the demo) and stopped when the last one is removed."""

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self._venue: LocalVenue | None = None

    @property
    def venue(self) -> LocalVenue | None:
        """The running venue, None while stopped."""
        return self._venue

    def start(self) -> LocalVenue:
        with self._lock:
            if self._venue is None:
                self._venue = LocalVenue(seed=self._seed)
            return self._venue

    def resolve(self, record: AccountRecord) -> Connection:
        return self.start().resolve(record)

    def play_crash(self) -> float:
        venue = self._venue
        if venue is None:
            raise ValueError("the simulated venue is not running")
        return venue.play_crash()

    def stop(self) -> None:
        with self._lock:
            venue, self._venue = self._venue, None
        if venue is not None:
            venue.stop()


def ensure_demo_account(db: Database, interval: float = 2.0) -> int:
    existing = db.accounts.by_name(DEMO_ACCOUNT)
    if existing is not None:
        return existing.account_id
    return db.accounts.add(
        DEMO_ACCOUNT,
        "simulated",
        venue=DEMO_VENUE,
        collateral="USDT",
        settings={"interval": interval},
    )


def needs_venue(db: Database) -> bool:
    return any(a.kind == "simulated" for a in db.accounts.list())
