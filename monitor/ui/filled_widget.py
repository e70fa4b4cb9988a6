"""Widgets that fill their background themselves, so Qt counts them opaque."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget


class _FillsItself:
    """Fills its widget's background: turned on when shown (polished first) and when restyled,
    as a style sheet turns a widget's own fill off whenever it polishes it. Neither handler is
    called at a tick: its paints stay in C++."""

    def showEvent(self, event: QShowEvent) -> None:
        cast(QWidget, self).setAutoFillBackground(True)
        super().showEvent(event)  # type: ignore[misc]

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)  # type: ignore[misc]
        if event.type() == QEvent.Type.StyleChange:
            cast(QWidget, self).setAutoFillBackground(True)


class FilledWidget(_FillsItself, QWidget):
    """A widget whose style-sheet background is one solid colour, filled first as the
    palette's colour (the same: the style sheet sets the palette from it). Qt then counts it
    opaque: a child's repaint (a figure's new text, at every tick) repaints it and its
    children, not every widget behind it up to the window (the header, its pane, both
    splitters, the window: each a style-sheet background of its own)."""


class FilledLabel(_FillsItself, QLabel):
    """A label that ticks (a figure), filled as FilledWidget is: its style-sheet background the
    solid colour behind it, so that a new text repaints the label alone, not the widget it is
    drawn on as well (the header's figures, the badge, the totals: a tenth of a refresh's
    paint). Its style sheet must give it that colour (the themes, the badge's own sheet)."""


def repolish(widget: QWidget) -> None:
    """Style `widget` anew after a property its style sheet selects on changed (a stale
    figure, the uPnL's sign), and tell it, as Qt tells a widget it restyles: the style sheet
    turns a filled widget's fill off as it polishes it, and the widget turns it on again when
    told (without, a figure was no longer opaque after its first render as current)."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))
