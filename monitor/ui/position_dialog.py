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
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor.domain.model import Account, Position
from monitor.ui.numbers import number_text, percent_text
from monitor.ui.position_form import (
    field_label,
    field_texts,
    note,
    parsed,
    set_flag,
    symbol_box,
    with_unit,
)
from monitor.ui.position_validation import Invalid, sanity_warnings, validate_position
from monitor.ui.safe_size_button import fill_largest_safe_size
from monitor.ui.symbols import MarketList, Refused, Resolved

_num = number_text


class PositionDialog(QDialog):
    def __init__(
        self,
        account: Account | None,
        *,
        pools: Sequence[Account] = (),
        hypothetical: bool,
        existing: Position | None = None,
        warning_health: float = 2.0,
        warning_move: float = 0.03,
        market_marks: Mapping[str, float] | None = None,
        venue: str | None = None,
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
        self._warning_move = warning_move
        # Per symbol the row whose mark is the market's: the first held one, else the first
        # (one market, one mark: a what-if typed at another mark does not speak for it).
        rows = [p for pool in self._pools for p in pool.positions]
        self._markets = {p.symbol: p for p in reversed(rows)}
        self._markets.update({p.symbol: p for p in reversed(rows) if not p.hypothetical})
        self._venue = venue
        self.result_position: Position | None = None

        self._venue_marks: dict[str, float] = {}
        self._ready = False  # set_market_marks revalidates once every field exists
        self.symbol = symbol_box(sorted(self._markets))
        self.set_market_marks(market_marks or {})
        self.side = QComboBox()
        self.side.addItems(["long", "short"])
        self.mode = QComboBox()
        self.mode.addItems(["cross", "isolated"])
        self.contracts = QLineEdit()
        self.entry = QLineEdit()
        self.mark = QLineEdit()
        # Rates in percent, the unit beside the field: "0.5" is 0.5 % (0.005).
        self.rate = QLineEdit(percent_text(0.005))
        self.close_fee = QLineEdit("0")
        self.isolated_margin = QLineEdit()
        self.contract_size = QLineEdit("1")
        self.leverage = QLineEdit()
        self.hypothetical = QCheckBox("hypothetical (what-if: not placed on the venue)")
        self.hypothetical.setChecked(hypothetical)
        self.safe_size = QPushButton("Largest safe size")
        self.safe_size.setToolTip(
            f"biggest size that keeps the pool's health at or above the warning level "
            f"({warning_health:g}) and a move of {warning_move * 100:g} % away from "
            "liquidation, at the typed leverage and within the venue's maximum for that size"
        )
        self.error = note("validationError")
        self.warning = note("validationWarning")  # allowed but unlikely: a slip, a typo
        self.symbol_note = note("fieldNote")  # what a venue's spelling was read as

        self.fields: dict[str, QWidget] = {
            "symbol": self.symbol, "side": self.side, "margin_mode": self.mode,
            "contracts": self.contracts, "entry_price": self.entry, "mark_price": self.mark,
            "maintenance.rate": self.rate, "close_fee_rate": self.close_fee,
            "isolated_margin": self.isolated_margin,
            "contract_size": self.contract_size, "leverage": self.leverage,
        }  # fmt: skip
        form = QFormLayout()
        size_row = QHBoxLayout()
        size_row.addWidget(self.contracts)
        size_row.addWidget(self.safe_size)
        form.addRow("Symbol", self.symbol)
        form.addRow("", self.symbol_note)
        form.addRow("Side", self.side)
        form.addRow("Margin", self.mode)
        form.addRow("Contracts", size_row)
        form.addRow("Entry price", self.entry)
        form.addRow("Mark price", self.mark)
        form.addRow("Maintenance rate", with_unit(self.rate, "%"))
        form.addRow("Close fee rate", with_unit(self.close_fee, "%"))
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
        layout.addWidget(self.warning)
        layout.addWidget(self.buttons)

        if existing is not None:
            self._fill(existing)
        elif self._markets:
            self._symbol_chosen(self.symbol.currentText())
        self.symbol.currentTextChanged.connect(self._symbol_chosen)
        for w in self.fields.values():
            if isinstance(w, QLineEdit):
                w.textChanged.connect(self.revalidate)
        for c in (self.side, self.mode):
            c.currentTextChanged.connect(self.revalidate)
        self.symbol.editTextChanged.connect(self.revalidate)
        self.hypothetical.toggled.connect(self.revalidate)
        self.safe_size.clicked.connect(self.fill_largest_safe_size)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._ready = True
        self.revalidate()

    # ---- filling -----------------------------------------------------------------------
    def _fill(self, p: Position) -> None:
        self.symbol.setEditText(p.symbol)
        self.side.setCurrentText(p.side.value)
        self.mode.setCurrentText(p.margin_mode.value)
        self.contracts.setText(_num(p.contracts))
        self.entry.setText(_num(p.entry_price))
        self.mark.setText(_num(p.mark_price))
        self.rate.setText(percent_text(p.maintenance.tiers[0].rate))
        self.close_fee.setText(percent_text(p.close_fee_rate))
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
        if self._ready:  # "ETHUSDT" typed before the list came may now read as a market
            self.revalidate()

    def _symbol_chosen(self, symbol: str) -> None:
        """A symbol of the account's markets brings its current mark; entry defaults to it."""
        resolved = self.market_list().resolve(symbol)
        symbol = symbol if isinstance(resolved, Refused) else resolved.symbol
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
            self.rate.setText(percent_text(known.maintenance.tiers[0].rate))
            self.close_fee.setText(percent_text(known.close_fee_rate))

    # ---- validation --------------------------------------------------------------------
    def market_list(self) -> MarketList:
        held = {symbol: p.mark_price for symbol, p in self._markets.items()}
        return MarketList(held, self._venue_marks, self._venue)

    def resolved_symbol(self) -> str | Invalid:
        resolved = self.market_list().resolve(self.symbol.currentText())
        return (
            Invalid("symbol", resolved.message)
            if isinstance(resolved, Refused)
            else resolved.symbol
        )

    def raw(self) -> dict[str, Any]:
        """The fields in the portfolio format's places: the symbol resolved where it can be,
        the numbers as typed (texts; the rate in percent). Not a position yet: `_position`
        reads the texts (a caller may put its own in) or refuses one, naming its field."""
        typed = self.symbol.currentText()
        resolved = self.market_list().resolve(typed)
        symbol = resolved.symbol if isinstance(resolved, Resolved) else typed.strip()
        texts = {n: w.text() for n, w in self.fields.items() if isinstance(w, QLineEdit)}
        raw: dict[str, Any] = {
            "symbol": symbol,
            "side": self.side.currentText(),
            "margin_mode": self.mode.currentText(),
            **field_texts(texts, self.mode.currentText() == "isolated"),
            "hypothetical": self.hypothetical.isChecked(),
        }
        known = self._markets.get(symbol)
        if known is not None:
            raw["inverse"] = known.inverse
        return raw

    def _position(self, raw: dict[str, Any] | None = None) -> Position | Invalid:
        raw = self.raw() if raw is None else raw
        resolved = self.market_list().resolve(str(raw.get("symbol", "")))
        if isinstance(resolved, Refused):
            return Invalid("symbol", resolved.message)
        numbers = parsed(raw)
        if isinstance(numbers, Invalid):
            return numbers
        result = validate_position(numbers)
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
            )
        return result

    def revalidate(self) -> Position | Invalid:
        self.isolated_margin.setEnabled(self.mode.currentText() == "isolated")
        result = self._position()
        bad = result.field if isinstance(result, Invalid) else None
        markets = self.market_list()
        warned = (
            []
            if isinstance(result, Invalid)
            else sanity_warnings(result, markets.reference_mark(result.symbol))
        )
        for name, widget in self.fields.items():
            set_flag(widget, "invalid", name == bad)
            set_flag(widget, "warned", any(w.field == name for w in warned))
        problem = result.message if isinstance(result, Invalid) else None
        self.error.setText("" if problem is None else f"{field_label(bad)}: {problem}")
        self.warning.setText("\n".join(f"⚠ {field_label(w.field)}: {w.message}" for w in warned))
        read = markets.resolve(self.symbol.currentText())
        self.symbol_note.setText(
            f"read as {read.symbol}" if isinstance(read, Resolved) and read.typed else ""
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            not isinstance(result, Invalid)
        )
        self.safe_size.setEnabled(self._account is not None)
        return result

    def position_from(self, raw: dict[str, Any]) -> Position | Invalid:
        """The position `raw` (as `raw()` gives it, some fields replaced) describes."""
        return self._position(raw)

    def invalid_field(self) -> str | None:
        result = self._position()
        return result.field if isinstance(result, Invalid) else None

    def fill_largest_safe_size(self) -> None:
        fill_largest_safe_size(self)

    def accept(self) -> None:
        result = self.revalidate()
        if isinstance(result, Invalid):
            return  # stay open; the field is marked
        self.result_position = result
        super().accept()
