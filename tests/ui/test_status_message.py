"""The status bar's message ends in "…" where the service's state begins (not cut mid-word with
nothing to say so), and the whole message is in its tooltip."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QStatusBar

from monitor.ui.app import MainWindow


def _drawn(bar: QStatusBar) -> str:
    # What Qt itself paints as the message (QStatusBar's own text, not a subclass's view).
    return QStatusBar.currentMessage(bar)


def _room(bar: QStatusBar, window: MainWindow) -> int:
    # Qt paints the message from x = 6 up to 2 px before the first permanent widget.
    state = window.status_label.parentWidget()
    assert state is not None
    return state.x() - 2 - 6


def test_a_long_message_is_elided_before_the_state_and_whole_in_the_tooltip(
    qtbot: Any, window: MainWindow
) -> None:
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    bar = window.statusBar()
    # As Commands and the alerts show theirs; long enough not to fit beside the state.
    message = (
        "[SIMULATED] demo: health 1.19 ≤ critical 1.25 — liquidation if the market falls "
        "2.1 % — 40 s at the current pace; the marks recover after 60 s; the venue answers "
        "again; nothing was lost"
    )
    bar.showMessage(message, 60_000)
    assert bar.toolTip() == message
    metrics = bar.fontMetrics()
    assert metrics.horizontalAdvance(message) > _room(bar, window)  # it does not fit whole
    qtbot.waitUntil(lambda: _drawn(bar).endswith("…"))
    drawn = _drawn(bar)
    assert message.startswith(drawn[:-1])
    assert metrics.horizontalAdvance(drawn) <= _room(bar, window)

    # Wide enough, the whole of it; narrower again, elided again.
    window.resize(1280 + metrics.horizontalAdvance(message), 800)
    qtbot.waitUntil(lambda: _drawn(bar) == message)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: _drawn(bar).endswith("…"))
    assert metrics.horizontalAdvance(_drawn(bar)) <= _room(bar, window)

    # Callers still read the whole message; clearing it clears the tooltip.
    assert bar.currentMessage() == message
    bar.clearMessage()
    assert _drawn(bar) == "" and bar.toolTip() == ""


def test_a_message_that_fits_is_shown_whole(qtbot: Any, window: MainWindow) -> None:
    bar = window.statusBar()
    bar.showMessage("refreshed", 8000)
    assert _drawn(bar) == "refreshed" and bar.toolTip() == "refreshed"
