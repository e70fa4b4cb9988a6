"""Work put off until a widget's next frame is on screen.

A zero timer is not that: Qt runs it before the paint it was meant to follow (the window's
charts, built "after the first paint" that way, held the first frame back by a third of a
second). A paint event is, and a zero timer set during it runs once the frame is done."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._done)
        return False

    def _done(self) -> None:
        self._callback()
        self.deleteLater()


def after_next_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` on the GUI thread once `widget` has next been painted."""
    _AfterPaint(widget, callback)
