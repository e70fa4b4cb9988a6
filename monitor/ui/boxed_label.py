"""A widget whose content changes with every tick, without re-laying out the window each time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QMoveEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QWidget

_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def _tabular(metrics: QFontMetricsF) -> bool:
    """Whether the font's ten digits are all one width (most UI fonts' are)."""
    return len({metrics.horizontalAdvance(digit) for digit in "0123456789"}) == 1


class _Told(QLayout):
    """A layout that lays out nothing: the box's ear. A widget whose size may have changed
    (a label's new text, font or style) tells its parent's layout, by invalidating it, before
    anything else is done about it: here the box is told at once, with no event posted to
    it (an event for a box is taken through Python, whatever its kind)."""

    def __init__(self, box: Boxed) -> None:
        super().__init__(box)
        self._box = box

    def invalidate(self) -> None:
        self._box.content_changed()

    def addItem(self, item: QLayoutItem) -> None:
        pass  # the content is placed by the box itself (resizeEvent)

    def count(self) -> int:
        return 0

    def itemAt(self, index: int) -> QLayoutItem | None:
        return None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return None

    def sizeHint(self) -> QSize:
        return QSize()

    def expandingDirections(self) -> Qt.Orientation:
        # Not a layout that wants room (a layout's default): the box grows as its size policy
        # says, the content's.
        return Qt.Orientation(0)


class Boxed(QWidget):
    """A widget that changes with every tick (a label, a panel of labels), in a box of its own.

    QLabel.setText re-lays out its parent's layout, and each layout up to the window's
    (the header, its pane, the splitters: a few tenths of a millisecond a tick), even when
    the new text takes the room the old one took; a panel's layout passes it on the same way.
    In a box, a new text reaches the layout above only when the content wants another size
    (a digit more); the content fills the box, so it sits and draws as it did in the layout
    itself. The box draws nothing (a widget subclass draws no style-sheet background of its
    own), and it takes no event through Python at a tick: it is told of a change by its
    layout (_Told), not by an event, and overrides no event handler a tick sends it (a paint).

    A label's new text is not even measured when only its digits changed, in a font whose
    digits are all one width: the size it wants is the same. Measuring is the label laying
    out its text anew (the header's and the totals' figures, at every tick: 6 % of the UI
    thread's instructions a refresh). A label's indent, margin and word wrap are set before
    it is boxed: a change of them alone is not measured."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setObjectName("labelBox")
        self.content = content
        content.setParent(self)
        self.setSizePolicy(content.sizePolicy())
        self._label = content if isinstance(content, QLabel) else None
        self._tabular = False  # the label's font's digits all one width, as last measured
        self._hints = (QSize(), QSize())
        self._measure()
        self._told = _Told(self)  # owned by the box in Qt; kept here as its ear

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

    def content_changed(self) -> None:
        """The content's text, font or style changed (its layout told, _Told)."""
        shape = self._shape()
        if shape is None or shape != self._measured:
            self._measure()

    def _shape(self) -> Any:
        """What the label's size depends on that may change: its text, with any digit read
        as a 0 in a font whose digits are one width; its font (a stale figure's is italic,
        a font handed down); its margins (a style sheet's padding and border are set as
        them). None: a content not a label, measured whenever told."""
        label = self._label
        if label is None:
            return None
        text = label.text()
        shape = text.translate(_DIGITS_AS_ZERO) if self._tabular else text
        return (shape, label.font(), label.contentsMargins())

    def _measure(self) -> None:
        if self._label is not None:
            self._tabular = _tabular(QFontMetricsF(self._label.font()))
        self._measured = self._shape()
        hints = (self.content.sizeHint(), self.content.minimumSizeHint())
        if hints != self._hints:
            self._hints = hints
            self.updateGeometry()  # another size: the layout above lays it out


class BoxedLabel(Boxed):
    """A label in a box (see Boxed)."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.label = label
