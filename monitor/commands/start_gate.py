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
from PySide6.QtGui import QGuiApplication

# If no paint follows the stored book's read while the window is on screen (it painted the book
# already), the service starts after this anyway.
NO_PAINT_MS = 150
# A window not on screen yet (being built) or not at all (minimised) must not hold the service
# back for good; a window being built paints its first frame well within this of the read.
NOT_PAINTED_MS = 1000


class StartGate(QObject):
    """Calls `start` once, on the GUI thread, after the first paint that follows `book_read`
    (emitted from any thread when the stored book has been read: True if it was shown)."""

    book_read = Signal(bool)

    def __init__(self, app: QCoreApplication | None, start: Callable[[], None]) -> None:
        super().__init__()
        assert isinstance(app, QGuiApplication), "the window's application comes first"
        self._app = app
        self._start = start
        self._started = False
        # Queued: the stored book's own delivery to the window (queued by the same thread,
        # just before) is rendered first.
        self.book_read.connect(self._on_read, Qt.ConnectionType.QueuedConnection)

    @Slot(bool)
    def _on_read(self, shown: bool) -> None:
        on_screen = any(w.isExposed() for w in self._app.topLevelWindows())
        if on_screen and not shown:
            self._go()  # nothing new to paint
            return
        # Every event of the application passes a filter: only from here to the next paint.
        self._app.installEventFilter(self)
        QTimer.singleShot(NO_PAINT_MS if on_screen else NOT_PAINTED_MS, self, self._go)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self, self._go)  # after the whole frame, not amid its widgets
        return False

    def _go(self) -> None:
        if self._started:
            return
        self._started = True
        self._app.removeEventFilter(self)
        self._start()
