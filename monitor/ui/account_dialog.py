"""New manual account: name, wallet balance, collateral, venue (validated as typed)."""

from __future__ import annotations

import math

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class ManualAccountDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New manual account")
        self.name = QLineEdit(placeholderText="e.g. swing-book")
        self.wallet = QLineEdit(placeholderText="cross wallet balance")
        self.collateral = QLineEdit("USDT")
        self.venue = QLineEdit(placeholderText="optional ccxt id, e.g. binanceusdm")
        self.error = QLabel()
        self.error.setObjectName("validationError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Wallet balance", self.wallet)
        form.addRow("Collateral", self.collateral)
        form.addRow("Venue", self.venue)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for w in (self.name, self.wallet):
            w.textChanged.connect(self._validate)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._validate()

    def wallet_balance(self) -> float | None:
        try:
            value = float(self.wallet.text().strip())
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    def _validate(self) -> bool:
        problem = ""
        bad: QLineEdit | None = None
        if not self.name.text().strip():
            problem, bad = "name: must not be empty", self.name
        elif self.wallet_balance() is None:
            problem, bad = "wallet balance: must be a number", self.wallet
        for w in (self.name, self.wallet):
            w.setProperty("invalid", w is bad)
            w.style().unpolish(w)
            w.style().polish(w)
        self.error.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bad is None)
        return bad is None

    def accept(self) -> None:
        if self._validate():
            super().accept()
