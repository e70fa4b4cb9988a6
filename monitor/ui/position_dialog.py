"""Add or edit a manual or hypothetical position; validates as the trader types.

The field at fault is marked and named, OK stays disabled, and nothing is returned (so
nothing is saved) until every field is valid.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor.domain.model import Account, Position
from monitor.domain.whatif import largest_safe_size
from monitor.ui import formatting as fmt
from monitor.ui.pools import pool_for
from monitor.ui.position_validation import Invalid, validate_position


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"


class PositionDialog(QDialog):
    def __init__(
        self,
        account: Account | None,
        *,
        pools: Sequence[Account] = (),
        hypothetical: bool,
        existing: Position | None = None,
        warning_health: float = 2.0,
        market_marks: Mapping[str, float] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            ("Edit " if existing else "Add ") + ("what-if" if hypothetical else "position")
        )
        self._account = account  # the worst pool
        self._pools = tuple(pools) or ((account,) if account else ())  # every pool
        self._existing = existing
        self._warning = warning_health
        self._markets = {p.symbol: p for pool in self._pools for p in pool.positions}
        self.result_position: Position | None = None

        self._venue_marks: dict[str, float] = {}
        self.symbol = QComboBox(editable=True)
        self.symbol.addItems(sorted(self._markets))
        self.set_market_marks(market_marks or {})
        self.side = QComboBox()
        self.side.addItems(["long", "short"])
        self.mode = QComboBox()
        self.mode.addItems(["cross", "isolated"])
        self.contracts = QLineEdit()
        self.entry = QLineEdit()
        self.mark = QLineEdit()
        self.rate = QLineEdit("0.005")
        self.isolated_margin = QLineEdit()
        self.contract_size = QLineEdit("1")
        self.leverage = QLineEdit()
        self.hypothetical = QCheckBox("hypothetical (what-if: not placed on the venue)")
        self.hypothetical.setChecked(hypothetical)
        self.safe_size = QPushButton("Largest safe size")
        self.safe_size.setToolTip(
            f"biggest size that keeps the pool's health at or above the warning level "
            f"({warning_health:g})"
        )
        self.error = QLabel()
        self.error.setObjectName("validationError")
        self.error.setWordWrap(True)

        self.fields: dict[str, QWidget] = {
            "symbol": self.symbol, "side": self.side, "margin_mode": self.mode,
            "contracts": self.contracts, "entry_price": self.entry, "mark_price": self.mark,
            "maintenance.rate": self.rate, "isolated_margin": self.isolated_margin,
            "contract_size": self.contract_size, "leverage": self.leverage,
        }  # fmt: skip
        form = QFormLayout()
        size_row = QHBoxLayout()
        size_row.addWidget(self.contracts)
        size_row.addWidget(self.safe_size)
        form.addRow("Symbol", self.symbol)
        form.addRow("Side", self.side)
        form.addRow("Margin", self.mode)
        form.addRow("Contracts", size_row)
        form.addRow("Entry price", self.entry)
        form.addRow("Mark price", self.mark)
        form.addRow("Maintenance rate", self.rate)
        form.addRow("Isolated margin", self.isolated_margin)
        form.addRow("Contract size", self.contract_size)
        form.addRow("Leverage (info)", self.leverage)
        form.addRow("", self.hypothetical)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        if existing is not None:
            self._fill(existing)
        elif self._markets:
            self._symbol_chosen(self.symbol.currentText())
        self.symbol.currentTextChanged.connect(self._symbol_chosen)
        for w in (
            self.contracts,
            self.entry,
            self.mark,
            self.rate,
            self.isolated_margin,
            self.contract_size,
            self.leverage,
        ):
            w.textChanged.connect(self.revalidate)
        for c in (self.side, self.mode):
            c.currentTextChanged.connect(self.revalidate)
        self.symbol.editTextChanged.connect(self.revalidate)
        self.hypothetical.toggled.connect(self.revalidate)
        self.safe_size.clicked.connect(self.fill_largest_safe_size)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.revalidate()

    # ---- filling -----------------------------------------------------------------------
    def _fill(self, p: Position) -> None:
        self.symbol.setEditText(p.symbol)
        self.side.setCurrentText(p.side.value)
        self.mode.setCurrentText(p.margin_mode.value)
        self.contracts.setText(_num(p.contracts))
        self.entry.setText(_num(p.entry_price))
        self.mark.setText(_num(p.mark_price))
        self.rate.setText(_num(p.maintenance.tiers[0].rate))
        self.isolated_margin.setText(_num(p.isolated_margin))
        self.contract_size.setText(_num(p.contract_size))
        self.leverage.setText(_num(p.leverage))
        self.hypothetical.setChecked(p.hypothetical)

    def set_market_marks(self, marks: Mapping[str, float]) -> None:
        """The venue's other perpetuals with their current marks (they arrive from the service
        while the dialog may already be open); the symbol typed so far is kept."""
        typed = self.symbol.currentText()
        self._venue_marks = dict(marks)
        extra = sorted(set(marks) - set(self._markets))
        self.symbol.blockSignals(True)
        self.symbol.clear()
        self.symbol.addItems(sorted(self._markets) + extra)
        self.symbol.setEditText(typed)
        self.symbol.blockSignals(False)

    def _symbol_chosen(self, symbol: str) -> None:
        """A symbol of the account's markets brings its current mark; entry defaults to it."""
        known = self._markets.get(symbol)
        if known is None:
            mark = self._venue_marks.get(symbol)
            if mark is not None:  # a market the account does not hold: its mark, flat rate
                self.mark.setText(_num(mark))
                if self._existing is None:
                    self.entry.setText(_num(mark))
            return
        self.mark.setText(_num(known.mark_price))
        if self._existing is None:
            self.entry.setText(_num(known.mark_price))
            self.contract_size.setText(_num(known.contract_size))
            self.rate.setText(_num(known.maintenance.tiers[0].rate))

    # ---- validation --------------------------------------------------------------------
    def raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "symbol": self.symbol.currentText().strip(),
            "side": self.side.currentText(),
            "margin_mode": self.mode.currentText(),
            "contracts": self.contracts.text(),
            "entry_price": self.entry.text(),
            "mark_price": self.mark.text(),
            "contract_size": self.contract_size.text(),
            "maintenance": {"rate": self.rate.text()},
            "hypothetical": self.hypothetical.isChecked(),
        }
        if self.mode.currentText() == "isolated":
            raw["isolated_margin"] = self.isolated_margin.text()
        if self.leverage.text().strip():
            raw["leverage"] = self.leverage.text()
        known = self._markets.get(raw["symbol"])
        if known is not None:
            raw["inverse"] = known.inverse
        return raw

    def _position(self) -> Position | Invalid:
        result = validate_position(self.raw())
        if isinstance(result, Invalid):
            return result
        # A known market keeps its venue's bracket table when the rate typed is its first rate.
        known = self._markets.get(result.symbol)
        if (
            known is not None
            and known.maintenance.kind != "rate"
            and (result.maintenance.tiers[0].rate == known.maintenance.tiers[0].rate)
        ):
            result = dataclasses.replace(
                result,
                maintenance=known.maintenance,
                maintenance_basis=known.maintenance_basis,
                close_fee_rate=known.close_fee_rate,
            )
        return result

    def revalidate(self) -> Position | Invalid:
        self.isolated_margin.setEnabled(self.mode.currentText() == "isolated")
        result = self._position()
        bad = result.field if isinstance(result, Invalid) else None
        for name, widget in self.fields.items():
            invalid = name == bad
            if widget.property("invalid") != invalid:
                widget.setProperty("invalid", invalid)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        if isinstance(result, Invalid):
            label = (bad or "position").replace("_", " ")
            self.error.setText(f"{label}: {result.message}")
        else:
            self.error.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            not isinstance(result, Invalid)
        )
        self.safe_size.setEnabled(self._account is not None)
        return result

    def invalid_field(self) -> str | None:
        result = self._position()
        return result.field if isinstance(result, Invalid) else None

    def fill_largest_safe_size(self) -> None:
        result = self._position()
        if isinstance(result, Invalid) or self._account is None:
            return
        # The pool the position would count in, as the service places it.
        pool = pool_for(self._pools, result) or self._account
        others = tuple(p for p in pool.positions if p is not self._existing)
        base = dataclasses.replace(pool, positions=others)
        size = largest_safe_size(base, result, self._warning)
        self.contracts.setText(f"{size:.6g}")
        self.safe_size.setText(f"Largest safe size: {fmt.amount(size)}")

    def accept(self) -> None:
        result = self.revalidate()
        if isinstance(result, Invalid):
            return  # stay open; the field is marked
        self.result_position = result
        super().accept()
