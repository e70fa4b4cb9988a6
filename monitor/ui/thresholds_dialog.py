"""An account's alert thresholds: warning and critical health levels (1.0 is liquidation)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from monitor.domain.model import Thresholds


def _spin(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(1.0, 100.0)
    box.setDecimals(2)
    box.setSingleStep(0.05)
    box.setValue(value)
    return box


class ThresholdsDialog(QDialog):
    def __init__(self, name: str, current: Thresholds, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Alert thresholds — {name}")
        self.warning = _spin(current.warning)
        self.critical = _spin(current.critical)
        self.error = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout(self)
        form.addRow(QLabel("Health = margin balance ÷ maintenance; 1.0 liquidates."))
        form.addRow("Warning at health ≤", self.warning)
        form.addRow("Critical at health ≤", self.critical)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.warning.valueChanged.connect(self._validate)
        self.critical.valueChanged.connect(self._validate)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._validate()

    def thresholds(self) -> Thresholds | None:
        """The thresholds typed, or None while they are not valid (the domain's own rule)."""
        try:
            return Thresholds(warning=self.warning.value(), critical=self.critical.value())
        except ValueError:
            return None

    def _validate(self) -> None:
        ok = self.thresholds() is not None
        self.error.setText("" if ok else "critical must not be above warning, both above 1.0")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def accept(self) -> None:
        if self.thresholds() is not None:
            super().accept()
