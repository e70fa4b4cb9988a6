"""Everything a front end starts together: the database, the local simulated venue when some
account needs it, and the monitoring service on top — alone (its own accounts), as a
collector (the accounts its leases hold, telling viewers what it wrote), or as a viewer (what
the collectors write, polling nothing)."""

from __future__ import annotations

import time
from typing import Any

from monitor.service.demo import DemoHost, LocalVenue, ensure_demo_account, needs_venue
from monitor.service.lease_keeper import DEFAULT_LEASE_SECONDS, LeaseKeeper, new_holder
from monitor.service.monitor_service import MonitorService
from monitor.service.notify import WebhookTarget
from monitor.service.webhook_config import targets
from monitor.service.webhooks import WebhookDispatcher
from monitor.store import StoreError, open_database


class MonitorSession:
    def __init__(
        self,
        db_url: str | None = None,
        *,
        demo: bool = False,
        seed: int = 0,
        webhooks: list[WebhookTarget] | None = None,
        create: bool = True,
        collector: bool = False,
        viewer: bool | None = False,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        risk: bool | None = False,
    ) -> None:
        """`create`: a missing SQLite file is made (the window's first run, `--demo`); else
        MissingDatabase. `demo`: add the simulated demo account (never added otherwise: an
        empty database opens on the window's first-run choice). `collector`: run the accounts
        this process's leases hold. `viewer`: show what collectors write (PostgreSQL only);
        None: a viewer when a collector is live on the database, else alone. `risk`: run the
        background job for probability of liquidation and funding (the window's); None: only
        when some account asks for a probability alert (`watch`: the paths cost CPU)."""
        self.db = open_database(db_url, create=create)
        postgres = self.db.engine.dialect.name == "postgresql"
        if viewer is None:
            viewer = postgres and not collector and self.db.leases.live_collectors(time.time()) > 0
        if viewer and not postgres:
            self.db.close()
            raise StoreError(
                f"database {self.db.url}: a viewer needs PostgreSQL (collectors tell it what "
                "they wrote); a SQLite file is watched by the window itself"
            )
        self.viewer = bool(viewer)
        if demo and not self.viewer:
            ensure_demo_account(self.db)
        self.demo = DemoHost(seed=seed)
        if needs_venue(self.db) and not self.viewer:
            self.demo.start()
        holder = new_holder() if collector else None
        self._notices: Any = None
        if collector and postgres:
            from monitor.service.store_notices import StoreNotices

            self._notices = StoreNotices(self.db.engine.url)
        self.service = MonitorService(
            self.db,
            sim=self.demo.resolve,
            crash=self.demo.play_crash,
            demo=self.demo,
            holder=holder,
            viewer=self.viewer,
            on_stored=self._notices,
        )
        self.leases = (
            None if holder is None else LeaseKeeper(self.db, self.service, holder, lease_seconds)
        )
        self.feed: Any = None
        if self.viewer:
            from monitor.service.viewer_feed import ViewerFeed

            self.feed = ViewerFeed(self.db.engine.url, self.service)
        self.risk: Any = None
        if risk is None:
            from monitor.service.probability_alerts import PROBABILITY_ALERT

            risk = any(r.settings.get(PROBABILITY_ALERT) for r in self.db.accounts.list())
        if risk:
            from monitor.service.risk_job import RiskJob, stored_alert, stored_market

            self.risk = RiskJob(
                self.service.set_risk,
                market_of=stored_market(self.service.record, self.demo.resolve),
                alert_of=stored_alert(self.service.record),
                on_alarm=self.service.probability_alert,
            )
            self.service.subscribe(self.risk.on_snapshot)
        # Alerts that ring go to the trader's webhooks, window or not.
        self.webhooks = WebhookDispatcher(targets() if webhooks is None else webhooks)
        self.service.subscribe(lambda _snapshot: None, self.webhooks.on_event)

    @property
    def venue(self) -> LocalVenue | None:
        """The simulated venue while it runs (a simulated account needs it)."""
        return self.demo.venue

    def start(self) -> MonitorService:
        self.service.start()
        if self.leases is not None:
            self.leases.start()
        if self.feed is not None:
            self.feed.start()
        if self.risk is not None:
            self.risk.start()
        return self.service

    def stop(self) -> None:
        try:
            if self.risk is not None:
                self.risk.stop()
            if self.feed is not None:
                self.feed.stop()
            if self.leases is not None:
                self.leases.stop()
            self.service.stop()
            if self.leases is not None:
                self.leases.release()  # only now: never two collectors on one account
            if self._notices is not None:
                self._notices.close()
        finally:
            self.demo.stop()
            self.db.close()
            self.webhooks.close(timeout=10)

    def __enter__(self) -> MonitorSession:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
