"""Everything a front end starts together: the database, the local simulated venue when some
account needs it, and the monitoring service on top."""

from __future__ import annotations

from monitor.service.demo import DemoHost, LocalVenue, ensure_demo_account, needs_venue
from monitor.service.monitor_service import MonitorService
from monitor.service.notify import WebhookTarget
from monitor.service.webhook_config import targets
from monitor.service.webhooks import WebhookDispatcher
from monitor.store import open_database


class MonitorSession:
    def __init__(
        self,
        db_url: str | None = None,
        *,
        demo: bool = False,
        seed: int = 0,
        webhooks: list[WebhookTarget] | None = None,
        create: bool = True,
    ) -> None:
        """`create`: a missing SQLite file is made (the window's first run, `--demo`); else
        MissingDatabase. `demo`: add the simulated demo account (never added otherwise: an
        empty database opens on the window's first-run choice)."""
        self.db = open_database(db_url, create=create)
        if demo:
            ensure_demo_account(self.db)
        self.demo = DemoHost(seed=seed)
        if needs_venue(self.db):
            self.demo.start()
        self.service = MonitorService(
            self.db, sim=self.demo.resolve, crash=self.demo.play_crash, demo=self.demo
        )
        # Alerts that ring go to the trader's webhooks, window or not.
        self.webhooks = WebhookDispatcher(targets() if webhooks is None else webhooks)
        self.service.subscribe(lambda _snapshot: None, self.webhooks.on_event)

    @property
    def venue(self) -> LocalVenue | None:
        """The simulated venue while it runs (a simulated account needs it)."""
        return self.demo.venue

    def start(self) -> MonitorService:
        self.service.start()
        return self.service

    def stop(self) -> None:
        try:
            self.service.stop()
        finally:
            self.demo.stop()
            self.db.close()
            self.webhooks.close(timeout=10)

    def __enter__(self) -> MonitorSession:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
