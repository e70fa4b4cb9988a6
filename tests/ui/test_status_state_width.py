"""Redraw cost (issue 11): the status bar's state (a boxed label, its text new at every refresh)
reaches no Python event filter at a refresh; when it grows, the message is elided again to the
room left (it is told by the box)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from monitor.ui.boxed_label import BoxedLabel
from monitor.ui.status_bar import ElidingStatusBar

MESSAGE = (
    "[SIMULATED] demo: health 1.19 ≤ critical 1.25 — liquidation if the market falls 2.1 % — "
    "40 s at the current pace"
)


def _room(bar: ElidingStatusBar, state: BoxedLabel) -> int:
    # QStatusBar's message rectangle: from x = 6 to 2 px before the first permanent widget.
    return state.x() - 2 - 6


def test_the_state_ticks_without_python_filters_and_its_growth_re_elides_the_message(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[QEvent.Type] = []

    def counting(self: QObject, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, BoxedLabel):  # (Qt filters its size grip's events itself)
            seen.append(event.type())
        return False

    monkeypatch.setattr(ElidingStatusBar, "eventFilter", counting)
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = ElidingStatusBar()
    window.setStatusBar(bar)
    label = QLabel("5 accounts · last recompute 0 s ago")
    label.setTextFormat(Qt.TextFormat.PlainText)
    state = BoxedLabel(label)
    bar.addPermanentWidget(state)
    window.resize(1100, 300)
    with qtbot.waitExposed(window):
        window.show()
    bar.showMessage(MESSAGE)
    metrics = bar.fontMetrics()
    qtbot.waitUntil(lambda: metrics.horizontalAdvance(MESSAGE) <= _room(bar, state))
    qtbot.waitUntil(lambda: bar.currentMessage() == MESSAGE and bar.toolTip() == MESSAGE)
    seen.clear()
    for age in range(1, 6):  # a refresh a second: the state's text new each time
        label.setText(f"5 accounts · last recompute {age} s ago")
        QApplication.processEvents()
    assert seen == []
    # The state grows to take half the bar: the message, drawn in what is left, elided.
    label.setText("5 accounts · 1 stale · 1 failing · 3 streaming · " * 2 + "recomputed 0 s ago")
    qtbot.waitUntil(lambda: 0 < _room(bar, state) < metrics.horizontalAdvance(MESSAGE))
    qtbot.waitUntil(lambda: _drawn(bar).endswith("…"))
    drawn = _drawn(bar)
    assert MESSAGE.startswith(drawn[:-1])
    assert metrics.horizontalAdvance(drawn) <= _room(bar, state)
    assert seen == []


def _drawn(bar: ElidingStatusBar) -> str:
    """The text Qt's status bar draws (its own message: the elided one)."""
    return str(super(ElidingStatusBar, bar).currentMessage())
