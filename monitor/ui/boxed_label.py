"""A label whose text changes with every tick, without re-laying out the window each time."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class BoxedLabel(QWidget):
    """A label that changes with every tick, in a box of its own.

    QLabel.setText re-lays out its parent's layout, and each layout up to the window's
    (the header, its pane, the splitters: a few tenths of a millisecond a tick), even when
    the new text takes the room the old one took. In a box without a layout, a new text
    reaches the layout only when the label wants another size (a digit more); the label
    fills the box, so it sits and draws as it did in the layout itself. The box draws
    nothing (a widget subclass draws no style-sheet background of its own)."""

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self.setObjectName("labelBox")
        self.label = label
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self._hints = (label.sizeHint(), label.minimumSizeHint())

    def sizeHint(self) -> QSize:
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.label.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(self.rect())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the label's text or style changed
            hints = (self.label.sizeHint(), self.label.minimumSizeHint())
            if hints != self._hints:
                self._hints = hints
                self.updateGeometry()  # another size: the header lays it out
            return True
        return super().event(event)
