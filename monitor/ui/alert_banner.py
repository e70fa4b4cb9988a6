"""The in-window banner: the worst alert that is active now, in its level's colour, with
Acknowledge and Snooze at hand. Hidden when nothing is active."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from monitor.domain.alerts import AlertEvent, EventKind
from monitor.domain.report import Level
from monitor.service.api import ServiceEvent

# What ends an alert of each family; the family is (subject, kind group).
_ENDS = {
    EventKind.FRESH: "stale",
    EventKind.SOURCE_RECOVERED: "source_error",
    EventKind.DISAGREEMENT_RESOLVED: "disagreement",
    EventKind.PROBABILITY_CLEARED: "probability",
}
_FEEDS = {EventKind.STALE: "stale", EventKind.SOURCE_ERROR: "source_error",
          EventKind.DISAGREEMENT: "disagreement", EventKind.PROBABILITY: "probability"}  # fmt: skip
_LEVEL_EVENTS = {EventKind.RAISED, EventKind.ESCALATED, EventKind.CLEARED, EventKind.REMOVED}
SNOOZE_CHOICES = (("15 minutes", 900.0), ("1 hour", 3600.0), ("4 hours", 14_400.0))
MAX_CHARS = 180
COLOURS = {Level.WARNING: "#b8860b", Level.CRITICAL: "#c0392b", Level.LIQUIDATION: "#7b1fa2"}


class ActiveAlerts:
    """Which alerts stand now, from the stream of transitions (Qt-free bookkeeping)."""

    def __init__(self) -> None:
        self.active: dict[tuple[str, str], tuple[AlertEvent, int | None]] = {}

    def apply(self, alert: AlertEvent, alert_id: int | None) -> None:
        if alert.kind in _LEVEL_EVENTS:
            family = (alert.subject, "level")
            if alert.kind is EventKind.REMOVED or alert.level is Level.OK:
                self.active.pop(family, None)
            else:
                self.active[family] = (alert, alert_id)
        elif alert.kind in _FEEDS:
            self.active[(alert.subject, _FEEDS[alert.kind])] = (alert, alert_id)
        elif alert.kind in _ENDS:
            self.active.pop((alert.subject, _ENDS[alert.kind]), None)
        elif alert.kind is EventKind.ACKNOWLEDGED:
            for family in [f for f in self.active if f[0] == alert.subject]:
                self.active.pop(family)

    def worst(self) -> tuple[AlertEvent, int | None] | None:
        if not self.active:
            return None
        return max(self.active.values(), key=lambda item: (item[0].level, item[0].at))


class AlertBanner(QFrame):
    acknowledge = Signal(int)  # alert id
    snooze = Signal(int, object, float)  # account id, position key or None, seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertBanner")
        self.alerts = ActiveAlerts()
        self.text = QLabel()
        self.text.setWordWrap(True)
        # Messages quote what venues answered; an HTML error page must not render as markup.
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.ack = QPushButton("Acknowledge")
        self.ack.clicked.connect(self._acknowledge)
        self.snooze_button = QPushButton("Snooze")
        menu = QMenu(self.snooze_button)
        for label, seconds in SNOOZE_CHOICES:
            menu.addAction(label, partial(self._snooze, seconds))
        self.snooze_button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.ack)
        layout.addWidget(self.snooze_button)
        self.hide()

    def on_event(self, event: ServiceEvent) -> None:
        alert = event.payload
        if event.kind != "alert" or not isinstance(alert, AlertEvent):
            return
        self.alerts.apply(alert, event.alert_id)
        self._show_worst()

    def shown(self) -> AlertEvent | None:
        """The alert on display (None when the banner is hidden)."""
        worst = self.alerts.worst()
        return None if worst is None or self.isHidden() else worst[0]

    def _show_worst(self) -> None:
        worst = self.alerts.worst()
        if worst is None:
            self.hide()
            return
        alert, alert_id = worst
        colour = COLOURS.get(alert.level, COLOURS[Level.WARNING])
        self.setStyleSheet(
            f"#alertBanner {{ background: {colour}; border-radius: 4px; }}"
            "#alertBanner QLabel { color: white; font-weight: bold; background: transparent;"
            " border: none; }"
        )
        text = f"{alert.level.label.upper()} — {alert.message}"
        # A venue's answer can run to paragraphs: the banner keeps to about two lines (the
        # whole message is in the tooltip, the status bar and the Alerts tab).
        short = text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…"
        self.text.setText(short)
        self.text.setToolTip(text if short != text else "")
        self.ack.setEnabled(alert_id is not None)
        self.show()

    def _acknowledge(self) -> None:
        worst = self.alerts.worst()
        if worst is not None and worst[1] is not None:
            self.acknowledge.emit(worst[1])

    def _snooze(self, seconds: float) -> None:
        worst = self.alerts.worst()
        if worst is None or not worst[0].account.isdigit():
            return
        alert = worst[0]
        position = None if alert.subject == alert.account else alert.subject
        self.snooze.emit(int(alert.account), position, seconds)
