"""The header's figures and the totals bar fill their own background (FilledWidget): a figure's
tick repaints them and the figure, not every widget behind them up to the window; the header's
figures are drawn in the header's colour, in either theme, after the theme changes too."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QPaintEvent, QRegion
from PySide6.QtWidgets import QLabel, QWidget

from monitor.ui.app import MainWindow


class _Paints(QObject):
    """The widgets among `watched` sent a paint event, and the region each was to repaint,
    in the window's coordinates."""

    def __init__(self, watched: list[QWidget]) -> None:
        super().__init__()
        self.painted: list[tuple[QWidget, QRegion]] = []
        self._watched = watched
        for widget in watched:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QPaintEvent) and isinstance(watched, QWidget):
            offset = watched.mapTo(watched.window(), QPoint(0, 0))
            self.painted.append((watched, event.region().translated(offset)))
        return False

    def widgets(self) -> list[QWidget]:
        return [widget for widget, _ in self.painted]

    def remove(self) -> None:
        for widget in self._watched:
            widget.removeEventFilter(self)


def _behind(widget: QWidget) -> list[QWidget]:
    """The widgets behind `widget`, its parent up to the window."""
    out = []
    parent = widget.parentWidget()
    while parent is not None:
        out.append(parent)
        parent = parent.parentWidget()
    return out


def _ticked(text: str) -> str:
    """The text with its last digit moved on, as a tick changes a figure (its shape kept)."""
    match = list(re.finditer(r"\d", text))[-1]
    digit = str((int(match.group()) + 1) % 10)
    return text[: match.start()] + digit + text[match.end() :]


@pytest.fixture
def themed(window: MainWindow) -> Iterator[MainWindow]:
    yield window
    window.set_theme("dark")


def _repainted_behind(qtbot: Any, label: QLabel, filled: QWidget) -> list[QWidget]:
    """The widgets behind `filled` (the filled widget `label` is on) that a tick of the
    label's digits repaints: any repainting the label's place (other repaints may come
    meanwhile, elsewhere: an age moving on)."""
    assert filled.isAncestorOf(label)
    behind = _behind(filled)
    place = QRegion(QRect(label.mapTo(label.window(), QPoint(0, 0)), label.size()))
    paints = _Paints([label, filled, *behind])
    try:
        label.setText(_ticked(label.text()))
        qtbot.waitUntil(lambda: label in paints.widgets(), timeout=5000)
        assert filled in paints.widgets()  # its background, under the figure
    finally:
        paints.remove()
    return [w for w, region in paints.painted if w in behind and region.intersects(place)]


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_figure_s_tick_repaints_nothing_behind_the_header_s_figures_or_the_totals(
    qtbot: Any, themed: MainWindow, theme: str
) -> None:
    window = themed
    window.set_theme(theme)  # restyled: each fills its background again
    with qtbot.waitExposed(window):
        pass
    header = window.header
    assert _repainted_behind(qtbot, header.margin_balance, header.figures) == []
    total = next(
        label for label in window.totals.findChildren(QLabel) if re.search(r"\d", label.text())
    )
    assert _repainted_behind(qtbot, total, window.totals) == []


def _background(widget: QWidget) -> str:
    """The colour most of the widget, drawn alone, is painted in."""
    image = widget.grab().toImage()
    colours = Counter(
        image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    )
    rgb = colours.most_common(1)[0][0]
    return f"#{rgb & 0xFFFFFF:06x}"


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_header_s_figures_are_drawn_in_the_header_s_colour(
    qtbot: Any, themed: MainWindow, theme: str
) -> None:
    window = themed
    window.set_theme(theme)
    header = window.header
    # The header's own colour, at the middle of its top edge (above its figures: its margin).
    card = header.grab().toImage().pixelColor(header.width() // 2, 2).name()
    assert card == {"dark": "#1c2128", "light": "#f6f8fa"}[theme]  # the themes' header colour
    assert _background(header.figures) == card
