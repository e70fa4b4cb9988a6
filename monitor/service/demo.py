"""The simulated venue in this process, and the demo account that watches it.

A new user sees the monitor work within seconds, with no keys: `margin-monitor --demo` (or a
first run with an empty database) starts the venue on loopback and adds a "demo" account.
"""

from __future__ import annotations

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.sources import Connection
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue
from monitor.store.database import Database
from monitor.store.records import AccountRecord

DEMO_ACCOUNT = "demo"
DEMO_VENUE = "binanceusdm"


class LocalVenue:
    """A SimVenue on 127.0.0.1 with its prices ticking, and the resolver the service needs."""

    def __init__(self, seed: int = 0, tick: float = 1.0) -> None:
        self.venue = SimVenue(seed=seed)
        self.url = self.venue.start()
        self.venue.start_ticker(interval=tick)

    def resolve(self, record: AccountRecord) -> Connection:
        """Simulated accounts all read the demo book (their keys live only in this process)."""
        return Connection(
            ExchangeSettings(DEMO_VENUE, api_url=self.url),
            Credentials(DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret),
        )

    def stop(self) -> None:
        self.venue.stop()


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
