"""The main window's status bar: its message elided with "…" where the permanent widgets begin.

QStatusBar paints its message clipped at the first permanent widget (the service's state), so
a long alert was cut mid-word with nothing to say more was there. Here Qt is handed the text
elided to the room it has, re-elided when that room changes, and the whole message is the
bar's tooltip; callers use showMessage/currentMessage/clearMessage as before."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QStatusBar, QWidget

from monitor.ui.boxed_label import Boxed

# QStatusBar's own message rectangle: from x = 6 to 2 px before the first visible permanent
# widget, or to 12 px before its right edge (QStatusBarPrivate::messageRect).
_LEFT = 6
_RIGHT_MARGIN = 12
_GAP = 2


class ElidingStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""
        self._permanent: list[QWidget] = []
        # Our own timer: Qt's would be cancelled each time the elided text is handed over.
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self.clearMessage)

    def addPermanentWidget(self, widget: QWidget, stretch: int | None = 0) -> None:
        super().addPermanentWidget(widget, stretch or 0)
        self._permanent.append(widget)
        # The state's text grows: less room for the message.
        if isinstance(widget, Boxed):
            widget.geometry_changed.connect(self._hand_over)
        else:
            widget.installEventFilter(self)

    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        self._message = text
        self.setToolTip(text)
        if timeout and timeout > 0:
            self._expiry.start(timeout)
        else:
            self._expiry.stop()
        self._hand_over()

    def clearMessage(self) -> None:
        self._message = ""
        self._expiry.stop()
        self.setToolTip("")
        super().clearMessage()

    def currentMessage(self) -> str:
        """The whole message (Qt's own may be elided), or one Qt showed itself (a status tip)."""
        return self._message or super().currentMessage()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._hand_over()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show):
            self._hand_over()
        return False

    def _room(self) -> int:
        right = self.width() - _RIGHT_MARGIN
        for widget in self._permanent:
            if widget.isVisible():
                right = min(right, widget.x() - _GAP)
                break
        return max(0, right - _LEFT)

    def _hand_over(self) -> None:
        if not self._message:
            return
        text = self.fontMetrics().elidedText(
            self._message, Qt.TextElideMode.ElideRight, self._room()
        )
        if text != super().currentMessage():
            super().showMessage(text)
