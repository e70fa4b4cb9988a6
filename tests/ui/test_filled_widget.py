"""The header's figures and the totals bar fill their own background (FilledWidget), and so do
their figures (FilledLabel): a figure's tick repaints the figure alone, not the widget it is
on nor any behind that up to the window; the header's figures are drawn in the header's
colour, in either theme, after the theme changes too."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QPaintEvent, QRegion
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from monitor.domain.report import Level
from monitor.service.snapshot import SourceState
from monitor.ui import formatting as fmt
from monitor.ui.account_header import AccountHeader
from monitor.ui.app import MainWindow
from monitor.ui.header_pools import set_stale
from monitor.ui.theme import apply_theme
from monitor.ui.totals import Totals, TotalsBar
from tests.ui.test_headline import _health_8_two_percent
from tests.ui.test_headline import _snapshot as _headline_snapshot


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
    """The widgets behind `label`, the filled widget it is on and those behind that, that a
    tick of the label's digits repaints: any repainting the label's place (other repaints may
    come meanwhile, elsewhere: an age moving on)."""
    assert filled.isAncestorOf(label)
    behind = [w for w in _behind(label) if w is filled or w.isAncestorOf(filled)]
    place = QRegion(QRect(label.mapTo(label.window(), QPoint(0, 0)), label.size()))
    paints = _Paints([label, *behind])
    try:
        label.setText(_ticked(label.text()))
        qtbot.waitUntil(lambda: label in paints.widgets(), timeout=5000)
    finally:
        paints.remove()
    return [w for w, region in paints.painted if w in behind and region.intersects(place)]


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_figure_s_tick_repaints_the_figure_alone_in_the_header_and_the_totals(
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


def test_a_figure_greyed_and_current_again_still_ticks_alone(
    qtbot: Any, window: MainWindow
) -> None:
    """Greying a figure (stale) restyles it, as the uPnL's sign does, and a style sheet turns
    a widget's own fill off as it restyles it: the figure is filled again after (it was not:
    from its first render as current on, each tick repainted the pane under it)."""
    with qtbot.waitExposed(window):
        pass
    header = window.header
    for stale in (True, False):
        set_stale(header.margin_balance, stale)
        assert header.margin_balance.autoFillBackground()
        assert _repainted_behind(qtbot, header.margin_balance, header.figures) == []
    # The totals' uPnL, recoloured by its sign the same way (a bar of its own: the window's
    # shows the live book's totals meanwhile).
    bar = TotalsBar()
    qtbot.addWidget(bar)
    with qtbot.waitExposed(bar):
        bar.show()
    for pnl in (-125.5, 125.5, -125.5):
        bar.show_totals((Totals("USDT", 1_000.0, 500.0, pnl),), True)
        upnl = bar.findChild(QLabel, "totalsPnl")
        assert upnl.autoFillBackground()
        qtbot.waitUntil(lambda: not bar.layout().geometry().isEmpty())
        QApplication.processEvents()
        assert _repainted_behind(qtbot, upnl, bar) == []


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


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_badge_s_figures_tick_alone_in_the_badge_s_colour_at_every_level(
    qtbot: Any, qapp: QApplication, theme: str
) -> None:
    """The badge's colour is its level's: its figures are filled with it as it changes, and a
    tick of the move repaints the move alone, not the badge (a rounded background drawn by
    the style sheet) nor anything behind it."""
    apply_theme(qapp, theme)
    try:
        header = AccountHeader()
        qtbot.addWidget(header)
        with qtbot.waitExposed(header):
            header.show()
        account = _health_8_two_percent()  # a 2 % fall liquidates: warning by the move
        for state in (SourceState.OK, SourceState.STALE, SourceState.ERROR, SourceState.OK):
            snap = _headline_snapshot(account, venue="binanceusdm", state=state)
            header.show_account(snap, 101.0)
            QApplication.processEvents()
            colour = header.band_colour()
            assert (
                colour
                == {
                    SourceState.OK: fmt.LEVEL_COLOURS[Level.WARNING],
                    SourceState.STALE: fmt.STALE_COLOUR,
                    SourceState.ERROR: fmt.ERROR_COLOUR,
                }[state]
            )
            for label in (header.move_figure, header.health):
                fill = label.palette().brush(label.backgroundRole())
                assert label.autoFillBackground() and fill.isOpaque()
                assert fill.color().name() == colour
            # The band drawn alone: at its figure's corner and on its own top edge, the
            # band's colour (a square of another colour shows at the figure's corner).
            band = header.band.grab().toImage()
            at = header.move_figure.mapTo(header.band, QPoint(1, 1))
            assert band.pixelColor(at).name() == colour
            assert band.pixelColor(band.width() // 2, 1).name() == colour
        assert _repainted_behind(qtbot, header.move_figure, header.band) == []
    finally:
        apply_theme(qapp, "dark")
