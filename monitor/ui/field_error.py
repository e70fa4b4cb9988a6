"""A form field with its error right under it: the trader reads what is wrong where it is."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

# Readable on the dark and the light theme alike.
ERROR_STYLE = "color: #e5534b;"


def error_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # a venue's or a path's words, never markup
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setObjectName("fieldError")
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


class FieldWithError(QWidget):
    """`field`, and under it a red line that is hidden until there is something to say."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(self.error)

    def set_error(self, message: str) -> None:
        show_error(self.error, message)
