"""An account's alert thresholds: warning and critical health levels (1.0 is liquidation), and
warning and critical levels by the market move that liquidates (in percent of the price)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from monitor.domain.model import Thresholds, ThresholdsError

# Each Thresholds field by its row in the dialog (the liquidation line is fixed at 1.0).
_FIELDS = {
    "warning": "Warning at health",
    "critical": "Critical at health",
    "liquidation": "Liquidation at health",
    "move_warning": "Warning at a liquidating move",
    "move_critical": "Critical at a liquidating move",
}


def _spin(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(1.0, 100.0)
    box.setDecimals(2)
    box.setSingleStep(0.05)
    box.setValue(value)
    return box


def _percent_spin(fraction: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, 99.99)  # 0 % is refused by the domain's rule, with its reason shown
    box.setDecimals(2)
    box.setSingleStep(0.25)
    box.setSuffix(" %")
    box.setValue(fraction * 100)
    return box


class ThresholdsDialog(QDialog):
    def __init__(self, name: str, current: Thresholds, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Alert thresholds — {name}")
        self.warning = _spin(current.warning)
        self.critical = _spin(current.critical)
        self.move_warning = _percent_spin(current.move_warning)
        self.move_critical = _percent_spin(current.move_critical)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout(self)
        form.addRow(QLabel("Health = margin balance ÷ maintenance; 1.0 liquidates."))
        form.addRow("Warning at health ≤", self.warning)
        form.addRow("Critical at health ≤", self.critical)
        form.addRow(
            QLabel(
                "Liquidating move = how far the market may move before the pool (or an isolated\n"
                "position) is liquidated. The worse of the two levels counts."
            )
        )
        form.addRow("Warning at a liquidating move ≤", self.move_warning)
        form.addRow("Critical at a liquidating move ≤", self.move_critical)
        form.addRow(self.error)
        form.addRow(self.buttons)
        for box in (self.warning, self.critical, self.move_warning, self.move_critical):
            box.valueChanged.connect(self._validate)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._validate()

    def _typed(self) -> Thresholds:
        return Thresholds(
            warning=self.warning.value(),
            critical=self.critical.value(),
            move_warning=self.move_warning.value() / 100,
            move_critical=self.move_critical.value() / 100,
        )

    def thresholds(self) -> Thresholds | None:
        """The thresholds typed, or None while they are not valid (the domain's own rule)."""
        try:
            return self._typed()
        except ValueError:
            return None

    def _validate(self) -> None:
        try:
            self._typed()
        except ThresholdsError as exc:  # the domain's reason, with the field at fault
            message = f"{_FIELDS[exc.field]}: {exc}"
        else:
            message = ""
        self.error.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not message)

    def accept(self) -> None:
        if self.thresholds() is not None:
            super().accept()
