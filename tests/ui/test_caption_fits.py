"""The header's caption ("Large: the move that liquidates · health: …") ends in "…" where the
header is too narrow for it, never cut mid-word at the edge ("1.00 liquidate"), and is whole
in its tooltip."""

from __future__ import annotations

from typing import Any

from monitor.ui.app import MainWindow

WHOLE = (
    "Large: the move that liquidates  ·  health: margin balance ÷ maintenance margin, "
    "1.00 liquidates"
)


def _fits(window: MainWindow) -> bool:
    label = window.header.explanation
    return label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


def test_a_narrow_header_elides_the_caption_and_keeps_it_whole_in_the_tooltip(
    qtbot: Any, window: MainWindow
) -> None:
    window.resize(1280, 800)
    window.splitters["main"].setSizes([700, 580])
    qtbot.waitUntil(lambda: window.header.explanation.isVisible() and _fits(window))
    label = window.header.explanation
    assert label.text().endswith("…")
    assert WHOLE in label.toolTip()


def test_a_wide_header_shows_the_caption_whole(qtbot: Any, window: MainWindow) -> None:
    window.resize(1280, 800)
    window.splitters["main"].setSizes([300, 980])
    qtbot.waitUntil(lambda: window.header.explanation.isVisible() and _fits(window))
    assert window.header.explanation.text() == WHOLE
