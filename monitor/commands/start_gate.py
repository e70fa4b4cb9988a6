"""When the window's start starts the service: once the window has painted the last stored
book (or, with none to show, has painted at all).

Python runs one thread at a time. Starting the service imports ccxt and SQLAlchemy's ORM (more
than a second of CPU) and opens the venues' sessions; begun beside the window's first frames it
held back the paint of the stored book by a quarter to half a second. So the service waits for
that paint, and starts the moment it is done.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot

# If no paint follows the stored book's read once the window is on screen (it painted the book
# already), the service starts after this anyway.
NO_PAINT_MS = 150
# A window that is not painted at all (minimised, on another desktop) must not hold the service
# back for good; on screen, its first frame comes well within this of the read.
NOT_PAINTED_MS = 1000


class StartGate(QObject):
    """Calls `start` once, on the GUI thread, after the first paint that follows `book_read`
    (emitted from any thread when the stored book has been read: True if it was shown)."""

    book_read = Signal(bool)

    def __init__(self, app: QCoreApplication, start: Callable[[], None]) -> None:
        super().__init__()
        self._app = app
        self._start = start
        self._painted = False  # the window has painted at least once
        self._read = False
        self._started = False
        # Queued: the stored book's own delivery to the window (queued by the same thread,
        # just before) is rendered first.
        self.book_read.connect(self._on_read, Qt.ConnectionType.QueuedConnection)
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._started:
            self._painted = True
            if self._read:  # after the whole frame, not between two of its widgets
                QTimer.singleShot(0, self, self._go)
        return False

    @Slot(bool)
    def _on_read(self, shown: bool) -> None:
        self._read = True
        if not self._painted:  # the window's first paint starts it, or this at the latest
            QTimer.singleShot(NOT_PAINTED_MS, self, self._go)
            return
        if shown:
            QTimer.singleShot(NO_PAINT_MS, self, self._go)
        else:
            self._go()  # nothing new to paint, and the window is on screen

    def _go(self) -> None:
        if self._started:
            return
        self._started = True
        self._app.removeEventFilter(self)
        self._start()
