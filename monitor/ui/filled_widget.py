"""A widget that fills its background itself, so Qt counts it opaque."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class FilledWidget(QWidget):
    """A widget whose style-sheet background is one solid colour, filled first as the
    palette's colour (the same: the style sheet sets the palette from it). Qt then counts it
    opaque: a child's repaint (a figure's new text, at every tick) repaints it and its
    children, not every widget behind it up to the window (the header, its pane, both
    splitters, the window: each a style-sheet background of its own).

    A style sheet turns a widget's own fill off whenever it polishes it: the fill is turned
    on again when it is shown (polished first) and restyled. Neither handler is called at a
    tick: its paints stay in C++."""

    def showEvent(self, event: QShowEvent) -> None:
        self.setAutoFillBackground(True)
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:
            self.setAutoFillBackground(True)
