"""A tab's place for a chart that is built only when first needed.

Importing pyqtgraph and building the three charts costs a third of a second of the interpreter;
the window asks for them once its first live figures are painted (app.py), so that neither the
stored book shown at start nor the service starting behind it waits for them. A chart's tab
shown before then builds its chart at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget


class ChartSlot(QWidget):
    def __init__(self, factory: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._chart: Any = None
        self._background: str | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._chart is not None

    def chart(self) -> Any:
        if self._chart is None:
            self._chart = self._factory()
            if self._background is not None:
                self._chart.setBackground(self._background)
            self._layout.addWidget(self._chart)
        return self._chart

    def set_background(self, colour: str) -> None:
        self._background = colour
        if self._chart is not None:
            self._chart.setBackground(colour)
