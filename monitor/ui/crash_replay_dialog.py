"""Account > Crash replay…: pick a preset crash (or any dates, UTC), Run — the service replays
the window's candles on the selected account's book on a thread of its own (the window never
reads candles), and the chart and a one-line summary show when each pool would have reached
warning, critical and 1.0."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor.domain.risk.replay import Replay
from monitor.service.crash_replay import PRESET_CRASHES
from monitor.service.replay_commands import ReplayResult
from monitor.ui.crash_replay_chart import CrashReplayChart
from monitor.ui.hub import ServiceHub, failure

CUSTOM = "Custom dates (UTC)"
WORDS = {"warning": "warning", "critical": "critical", "liquidation": "1.0"}


def _utc_edit(ms: int) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime.fromMSecsSinceEpoch(ms, QTimeZone.utc()))
    edit.setTimeZone(QTimeZone.utc())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
    edit.setCalendarPopup(True)
    return edit


def _span(minute: float) -> str:
    hours, minutes = divmod(int(minute), 60)
    return f"{hours} h {minutes:02d} min"


def _clock(first_ms: int, minute: float) -> str:
    return datetime.fromtimestamp(first_ms / 1000 + minute * 60, UTC).strftime("%H:%M")


def pool_summary(name: str, r: Replay, first_ms: int) -> str:
    """'USDT: warning 20:34, critical 20:51, 1.0 20:51 UTC (2 h 51 min in); worst ...' or why
    it is unknown."""
    if r.reason is not None:
        return f"{name}: {r.reason}"
    hit = [(level, m) for level in WORDS if (m := r.minutes.get(level)) is not None]
    if hit:
        crossings = ", ".join(f"{WORDS[level]} {_clock(first_ms, m)}" for level, m in hit)
        head = f"{crossings} UTC ({_span(hit[-1][1])} in)"
    else:
        head = "never reached warning"
    if r.worst_health is None or r.worst_minute is None:
        return f"{name}: {head}"
    worst = f"worst {r.worst_health:.2f} at {_clock(first_ms, r.worst_minute)} UTC"
    if r.worst_health <= 0:
        worst += " (equity gone)"
    return f"{name}: {head}; {worst}"


def summary(result: ReplayResult) -> str:
    """One line: the pool that fared worst (and how many were replayed)."""
    if not result.pools:
        return f"{result.account}: no positions to replay"
    known = [(n, r) for n, r in result.pools if r.worst_health is not None]
    name, worst = min(known, key=lambda p: p[1].worst_health or 0.0) if known else result.pools[0]
    more = f" — the worst of {len(result.pools)} replayed" if len(result.pools) > 1 else ""
    return f"{result.account} {pool_summary(name, worst, result.first_ms)}{more}"


class CrashReplayDialog(QDialog):
    def __init__(self, hub: ServiceHub, account_id: int, account: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Crash replay — {account}")
        self._hub = hub
        self._account_id = account_id
        self.choice = QComboBox()
        self.choice.addItems([*PRESET_CRASHES, CUSTOM])
        self.choice.setCurrentText("2025-10-10 tariff crash")
        start, end = PRESET_CRASHES["2025-10-10 tariff crash"]
        self.start, self.end = _utc_edit(start), _utc_edit(end)
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.chart = CrashReplayChart()
        self.summary = QLabel(
            "Pick a crash and Run: today's book through its moves, minute by minute."
        )
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        for label, edit in (("from", self.start), ("to", self.end)):
            top.addWidget(QLabel(label))
            top.addWidget(edit)
        top.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.summary)
        self.choice.currentTextChanged.connect(self._chosen)
        self.run_button.clicked.connect(self.run)
        self._chosen(self.choice.currentText())
        self.resize(820, 520)

    def _chosen(self, name: str) -> None:
        custom = name == CUSTOM
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if not custom:
            start, end = PRESET_CRASHES[name]
            self.start.setDateTime(QDateTime.fromMSecsSinceEpoch(start, QTimeZone.utc()))
            self.end.setDateTime(QDateTime.fromMSecsSinceEpoch(end, QTimeZone.utc()))

    def run(self) -> None:
        start = self.start.dateTime().toMSecsSinceEpoch()
        end = self.end.dateTime().toMSecsSinceEpoch()
        if end <= start:
            self.summary.setText("The window's end must come after its start.")
            return
        self.run_button.setEnabled(False)
        self.summary.setText("Reading the venue's candles and replaying…")
        future = self._hub.service.crash_replay(self._account_id, start, end)
        self._hub.when_done(future, self._done)

    def _done(self, future: Future[Any]) -> None:
        self.run_button.setEnabled(True)
        reason = failure(future)
        if reason is not None:
            self.summary.setText(f"Replay failed: {reason}")
            return
        result: ReplayResult = future.result()
        self.chart.show_result(result)
        self.summary.setText(summary(result))


def open_crash_replay(hub: ServiceHub, selected: Any, parent: QWidget) -> None:
    """Open the dialog for the selected account (a status line when none is)."""
    snap = selected()
    if snap is None:
        return
    dialog = CrashReplayDialog(hub, snap.account_id, snap.name, parent)
    dialog.show()
