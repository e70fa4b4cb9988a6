"""Getting the trader's attention off the window: a sound per level and a tray notification.

Both degrade quietly where the machine has no audio device or no system tray: the window's
banner and alerts panel always work.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from monitor.domain.alerts import AlertEvent
from monitor.domain.report import Level
from monitor.resources import resource
from monitor.service.api import ServiceEvent

log = logging.getLogger(__name__)

SOUNDS = {Level.WARNING: "warning.wav", Level.CRITICAL: "critical.wav",
          Level.LIQUIDATION: "liquidation.wav"}  # fmt: skip


def app_icon() -> QIcon:
    """The app's icon (empty where the resources lack it: Qt then uses its default)."""
    path = resource("icons", "margin-monitor.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


def ringing(event: ServiceEvent) -> AlertEvent | None:
    alert = event.payload
    if event.kind == "alert" and isinstance(alert, AlertEvent) and alert.notify:
        return alert
    return None


class AlertSounds(QObject):
    """One short sound per level (QtMultimedia). `played` counts what was asked to play.

    QtMultimedia loads only when the first alert rings: it costs start-up time, and on a
    machine without audio it only logs that it cannot play.
    """

    def __init__(self, parent: QObject | None = None, muted: bool = False) -> None:
        super().__init__(parent)
        self.muted = muted
        self.played: list[Level] = []
        self._effects: dict[Level, object] | None = None

    def _load(self) -> dict[Level, object]:
        effects: dict[Level, object] = {}
        try:
            from PySide6.QtCore import QLoggingCategory
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as exc:  # no QtMultimedia libraries (libpulse) on this machine
            log.warning("alert sounds off: %s", exc)
            return effects
        # Its probing of optional libraries (pipewire, VA-API) is noise to a trader.
        QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver=false")
        for level, name in SOUNDS.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(resource("sounds", name))))
            effects[level] = effect
        return effects

    def on_event(self, event: ServiceEvent) -> None:
        alert = ringing(event)
        if alert is None or alert.level is Level.OK or self.muted:
            return
        self.played.append(alert.level)
        if self._effects is None:
            self._effects = self._load()
        effect = self._effects.get(alert.level)
        if effect is not None:
            effect.play()  # type: ignore[attr-defined]  # no device: Qt logs and stays silent


class TrayNotifier(QObject):
    """A tray icon that shows ringing alerts, where the desktop has a tray."""

    def __init__(self, window: QWidget, icon: QIcon) -> None:
        super().__init__(window)
        self.shown: list[str] = []
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self._tray: QSystemTrayIcon | None = None
        if self.available:
            self._tray = QSystemTrayIcon(icon, window)
            self._tray.setToolTip("Margin Monitor")
            self._tray.activated.connect(lambda *_: _bring_forward(window))
            self._tray.show()

    def on_event(self, event: ServiceEvent) -> None:
        alert = ringing(event)
        if alert is None or self._tray is None:
            return
        urgent = alert.level >= Level.CRITICAL
        icon = (
            QSystemTrayIcon.MessageIcon.Critical if urgent else QSystemTrayIcon.MessageIcon.Warning
        )
        self.shown.append(alert.message)
        self._tray.showMessage(f"Margin Monitor: {alert.level.label}", alert.message, icon, 15_000)


def _bring_forward(window: QWidget) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
