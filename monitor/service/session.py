"""Everything a front end starts together: the database, the local simulated venue when some
account needs it, and the monitoring service on top."""

from __future__ import annotations

from monitor.service.demo import LocalVenue, ensure_demo_account, needs_venue
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
        demo_on_first_run: bool = False,
        seed: int = 0,
        webhooks: list[WebhookTarget] | None = None,
        create: bool = True,
    ) -> None:
        """`create`: a missing SQLite file is made (the window's first run, `--demo`); else
        MissingDatabase."""
        self.db = open_database(db_url, create=create)
        first_run = not self.db.accounts.list()
        if demo or (demo_on_first_run and first_run):
            ensure_demo_account(self.db)
        self.venue = LocalVenue(seed=seed) if needs_venue(self.db) else None
        self.service = MonitorService(
            self.db,
            sim=None if self.venue is None else self.venue.resolve,
            crash=None if self.venue is None else self.venue.play_crash,
        )
        # Alerts that ring go to the trader's webhooks, window or not.
        self.webhooks = WebhookDispatcher(targets() if webhooks is None else webhooks)
        self.service.subscribe(lambda _snapshot: None, self.webhooks.on_event)

    def start(self) -> MonitorService:
        self.service.start()
        return self.service

    def stop(self) -> None:
        try:
            self.service.stop()
        finally:
            if self.venue is not None:
                self.venue.stop()
            self.db.close()
            self.webhooks.close(timeout=10)

    def __enter__(self) -> MonitorSession:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
