"""A widget whose content changes with every tick, without re-laying out the window each time."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtGui import QMoveEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QWidget


class Boxed(QWidget):
    """A widget that changes with every tick (a label, a panel of labels), in a box of its own.

    QLabel.setText re-lays out its parent's layout, and each layout up to the window's
    (the header, its pane, the splitters: a few tenths of a millisecond a tick), even when
    the new text takes the room the old one took; a panel's layout passes it on the same way.
    In a box without a layout, a new text reaches the layout only when the content wants
    another size (a digit more); the content fills the box, so it sits and draws as it did in
    the layout itself. The box draws nothing (a widget subclass draws no style-sheet
    background of its own)."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setObjectName("labelBox")
        self.content = content
        content.setParent(self)
        self.setSizePolicy(content.sizePolicy())
        self._hints = (content.sizeHint(), content.minimumSizeHint())

    def sizeHint(self) -> QSize:
        return self.content.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.content.minimumSizeHint()

    # Its place or size changed, or it was shown: for a neighbour that fits itself around it
    # (the status bar's message), told without an event filter, which would take each of its
    # events (a repaint at every tick) through Python.
    geometry_changed = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.content.setGeometry(self.rect())
        self.geometry_changed.emit()

    def moveEvent(self, event: QMoveEvent) -> None:
        self.geometry_changed.emit()

    def showEvent(self, event: QShowEvent) -> None:
        self.geometry_changed.emit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the content's text or style changed
            hints = (self.content.sizeHint(), self.content.minimumSizeHint())
            if hints != self._hints:
                self._hints = hints
                self.updateGeometry()  # another size: the layout above lays it out
            return True
        return super().event(event)


class BoxedLabel(Boxed):
    """A label in a box (see Boxed)."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.label = label
