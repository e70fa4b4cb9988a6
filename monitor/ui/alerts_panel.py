"""Alerts panel: what was raised and when, newest first."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableView, QVBoxLayout, QWidget

from monitor.domain.alert_model import AlertEvent, EventKind
from monitor.domain.report import Level
from monitor.service.api import ServiceEvent
from monitor.ui import formatting as fmt
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow

HEADERS = ("When", "Account", "Kind", "Message")
MAX_ALERTS = 500

# What each kind of alert is, in the trader's words; a level event (raised, escalated) reads
# as its level instead: "warning", "critical", "liquidation".
_KIND_WORDS = {
    EventKind.CLEARED: "cleared",
    EventKind.STALE: "stale",
    EventKind.FRESH: "fresh again",
    EventKind.SOURCE_ERROR: "source error",
    EventKind.SOURCE_RECOVERED: "source back",
    EventKind.DISAGREEMENT: "venue disagrees",
    EventKind.DISAGREEMENT_RESOLVED: "venue agrees",
    EventKind.SNOOZED: "snoozed",
    EventKind.SNOOZE_CANCELLED: "snooze cancelled",
    EventKind.SNOOZE_EXPIRED: "snooze over",
    EventKind.UNKNOWN: "figures unknown",
    EventKind.KNOWN: "figures back",
    EventKind.ACKNOWLEDGED: "acknowledged",
    EventKind.REMOVED: "removed",
    EventKind.PROBABILITY: "probability",
    EventKind.PROBABILITY_CLEARED: "probability cleared",
}


def alert_id(event: ServiceEvent) -> int | None:
    """The service's stored alert id, when the event carries one."""
    if event.alert_id is not None:
        return event.alert_id
    payload = event.payload
    if isinstance(payload, int) and not isinstance(payload, bool):
        return payload
    value = getattr(payload, "alert_id", None)
    return value if isinstance(value, int) else None


def kind_words(event: ServiceEvent) -> str:
    """The Kind column: what the alert is about (every alert event's kind is "alert")."""
    alert = event.payload
    if event.kind != "alert" or not isinstance(alert, AlertEvent):
        return event.kind.replace("_", " ")  # "command error"
    if alert.kind in (EventKind.RAISED, EventKind.ESCALATED):
        return alert.level.label
    if alert.kind is EventKind.CLEARED and alert.level is not Level.OK:
        return f"eased to {alert.level.label}"  # critical → warning: still an alert level
    return _KIND_WORDS.get(alert.kind, str(alert.kind).replace("_", " "))


class AlertsModel(KeyedTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent)
        self._events: list[ServiceEvent] = []
        self._names: dict[int, str] = {}
        self._first = 0  # serial (row key) of the oldest kept event

    def set_account_names(self, names: dict[int, str]) -> None:
        if names != self._names:
            self._names = names
            # Events can arrive before the first snapshot names their accounts.
            self.update_rows([self._render(self._first + i, e) for i, e in enumerate(self._events)])

    def _render(self, serial: int, event: ServiceEvent) -> RenderedRow:
        colour = fmt.ERROR_COLOUR if event.kind in ("command_error", "error") else ""
        account = self._names.get(event.account_id, "") if event.account_id is not None else ""
        kind = kind_words(event)
        return RenderedRow(
            key=serial,
            display=(
                time.strftime("%H:%M:%S", time.localtime(event.at)),
                account,
                kind,
                event.message,
            ),
            sort=(event.at, account, kind, event.message),
            foreground=colour,
            tooltip=event.message,
        )

    def add(self, event: ServiceEvent) -> None:
        self._events.append(event)
        if len(self._events) > MAX_ALERTS:
            self._events = self._events[-MAX_ALERTS:]
            self._first += 1
        self.update_rows([self._render(self._first + i, e) for i, e in enumerate(self._events)])

    def service_event(self, row: int) -> ServiceEvent:
        return self._events[row]


class AlertsPanel(QWidget):
    acknowledge = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AlertsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.view.setSortingEnabled(False)
        self.ack = QPushButton("Acknowledge")
        self.ack.clicked.connect(self._acknowledge)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

    def add(self, event: ServiceEvent) -> None:
        self.model.add(event)
        self.view.scrollToBottom()

    def _acknowledge(self) -> None:
        index: QModelIndex = self.view.currentIndex()
        if index.isValid():
            found = alert_id(self.model.service_event(index.row()))
            if found is not None:
                self.acknowledge.emit(found)
