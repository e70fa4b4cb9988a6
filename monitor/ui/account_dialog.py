"""New manual account: name, wallet balance, collateral, venue (validated as typed)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from monitor.ui.numbers import NumberError, parse_number


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

    def wallet_problem(self) -> str | None:
        """Why the wallet balance cannot be taken, or None.

        A negative balance is refused: a cross wallet below zero is an account the venue has
        already liquidated (its insurance fund covers the rest), so there is nothing left to
        monitor — typed, it is almost always a slip of the sign, and it would ring an instant
        liquidation alarm. Zero is allowed (a book of isolated positions only)."""
        try:
            value = parse_number(self.wallet.text())
        except NumberError as exc:
            return str(exc)
        if value < 0:
            return (
                f"must be 0 or more, got {self.wallet.text().strip()} (a wallet below zero "
                "has been liquidated already)"
            )
        return None

    def wallet_balance(self) -> float | None:
        if self.wallet_problem() is not None:
            return None
        return parse_number(self.wallet.text())

    def _validate(self) -> bool:
        problem = ""
        bad: QLineEdit | None = None
        wallet = self.wallet_problem()
        if not self.name.text().strip():
            problem, bad = "name: must not be empty", self.name
        elif wallet is not None:
            problem, bad = f"wallet balance: {wallet}", self.wallet
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
