"""A label whose lines end in "…" when they do not fit its width, the whole text in its tooltip.

For a line of figures in a header that must not widen the window: QLabel would clip it at the
right edge, mid-word ("… warnin"), with nothing to say that more was there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, explanation: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._explanation = explanation  # what the figures mean, under the whole text
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Its width is what the layout gives it, never the text's: the text is elided to it.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setToolTip(explanation)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        if text == self._full:
            return
        self._full = text
        self.setToolTip(f"{text}\n\n{self._explanation}" if self._explanation else text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        metrics = self.fontMetrics()
        shown = "\n".join(
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, room)
            for line in self._full.split("\n")
        )
        if shown != self.text():
            self.setText(shown)
