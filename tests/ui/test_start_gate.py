"""The start gate (commands/start_gate.py) starts the service after the paint that follows the
stored book's read, and never waits on a window that is not painted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel

from monitor.commands.start_gate import StartGate


class Order(QObject):
    """What happened, in order: the label's paints and the service's start."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen.append("paint")
        return False

    def start(self) -> None:
        self.seen.append("start")


def test_the_service_starts_after_the_paint_that_follows_the_read(qtbot: Any) -> None:
    order = Order()
    gate = StartGate(QApplication.instance(), order.start)
    label = QLabel("—")
    qtbot.addWidget(label)
    label.installEventFilter(order)
    label.show()
    qtbot.waitUntil(lambda: "paint" in order.seen)
    assert order.seen == ["paint"]  # painted, the book not yet read: nothing starts
    label.setText("1.42")  # the stored book, as the window draws it before the read is done
    gate.book_read.emit(True)
    qtbot.waitUntil(lambda: "start" in order.seen)
    assert order.seen[-2:] == ["paint", "start"]


def test_a_window_never_painted_does_not_keep_the_service_from_starting(qtbot: Any) -> None:
    order = Order()
    gate = StartGate(QApplication.instance(), order.start)
    gate.book_read.emit(True)  # read, and no window on screen (minimised, say)
    qtbot.waitUntil(lambda: order.seen == ["start"], timeout=3000)
