"""What the service tells its front ends: every Snapshot, and every event (alerts, command
errors), to each listener in turn on the service thread. A broken listener is logged and the
others still hear it: a front end's bug must not stop the monitoring."""

from __future__ import annotations

import logging
from collections.abc import Callable

from monitor.service.alerting import StoredAlert
from monitor.service.api import ServiceEvent
from monitor.service.snapshot import Snapshot

log = logging.getLogger(__name__)

SnapshotListener = Callable[[Snapshot], None]
EventListener = Callable[[ServiceEvent], None]


class Publisher:
    def __init__(self) -> None:
        self._listeners: list[tuple[SnapshotListener, EventListener | None]] = []

    def add(self, on_snapshot: SnapshotListener, on_event: EventListener | None) -> None:
        self._listeners.append((on_snapshot, on_event))

    def snapshot(self, snapshot: Snapshot) -> None:
        for on_snapshot, _ in list(self._listeners):
            try:
                on_snapshot(snapshot)
            except Exception:
                log.exception("snapshot listener failed")

    def event(self, event: ServiceEvent) -> None:
        for _, on_event in list(self._listeners):
            if on_event is None:
                continue
            try:
                on_event(event)
            except Exception:
                log.exception("event listener failed")

    def alerts(
        self, events: list[StoredAlert], simulated: Callable[[int], bool] = lambda _: False
    ) -> None:
        """`simulated(account_id)`: whether the account is simulated (its alerts say so)."""
        for e, alert_id in events:
            account_id = int(e.account) if e.account.isdigit() else None
            fake = account_id is not None and simulated(account_id)
            self.event(ServiceEvent("alert", account_id, e.message, e.at, e, alert_id, fake))
