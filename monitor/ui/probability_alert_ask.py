"""Account > Probability alert…: the selected account's alert on its odds of liquidation
within 24 h, asked in percent (0 = off), starting from the stored value. The value is read
and written by the service (the window touches no store); failures reach the alert list."""

from __future__ import annotations

import time
from concurrent.futures import Future
from typing import Any

from PySide6.QtWidgets import QInputDialog, QWidget

from monitor.service.api import ServiceEvent
from monitor.ui.hub import ServiceHub, failure
from monitor.ui.presenter import SnapshotPresenter


def ask_probability_alert(hub: ServiceHub, presenter: SnapshotPresenter, parent: QWidget) -> None:
    snap = presenter.selected()
    if snap is None:
        return

    def report(what: str, future: Future[Any]) -> bool:
        reason = failure(future)
        if reason is not None:
            message = f"{what} failed: {reason}"
            hub.event_received.emit(
                ServiceEvent("command_error", snap.account_id, message, time.time())
            )
        return reason is None

    def ask(future: Future[float | None]) -> None:
        if not report(f"reading {snap.name}'s probability alert", future):
            return
        current = future.result()
        percent, ok = QInputDialog.getDouble(
            parent,
            f"Probability alert — {snap.name}",
            "Alert when the chance of liquidation within 24 h reaches (%, 0 = off):",
            0.0 if current is None else current * 100,
            0.0,
            100.0,
            1,
        )
        if ok:
            fraction = percent / 100 if percent > 0 else None
            saved = hub.service.set_probability_alert(snap.account_id, fraction)
            hub.when_done(saved, done)

    def done(future: Future[None]) -> None:
        report(f"setting {snap.name}'s probability alert", future)

    hub.when_done(hub.service.probability_alert_setting(snap.account_id), ask)
