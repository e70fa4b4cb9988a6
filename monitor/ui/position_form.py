"""The position dialog's fields read as the portfolio format's position: numbers in the app's
display format, rates typed in percent; and the small widget helpers the form shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit, QWidget

from monitor.ui.numbers import NumberError, parse_number, parse_percent
from monitor.ui.position_validation import Invalid

# Fields read as numbers (the app's display format accepted), and those typed in percent.
NUMBER_FIELDS = ("contracts", "entry_price", "mark_price", "isolated_margin", "contract_size",
                 "leverage")  # fmt: skip
PERCENT_FIELDS = ("maintenance.rate", "close_fee_rate")
_OPTIONAL = ("leverage", "isolated_margin")  # the format says when isolated margin is missing
_LABELS = {"maintenance.rate": "maintenance rate", "close_fee_rate": "close fee rate"}


def field_texts(texts: Mapping[str, str], isolated: bool) -> dict[str, Any]:
    """The number fields' texts as typed, placed as the portfolio format places them (the
    rate under "maintenance"); optional fields left empty, and the isolated margin of a cross
    position, left out. `parsed` reads them: rates in percent, the app's display format."""
    out: dict[str, Any] = {}
    for field in (*NUMBER_FIELDS, *PERCENT_FIELDS):
        text = texts.get(field, "")
        if (field == "isolated_margin" and not isolated) or (
            field in _OPTIONAL and not text.strip()
        ):
            continue
        out[field] = text
    out["maintenance"] = {"rate": out.pop("maintenance.rate")}
    return out


def parsed(raw: Mapping[str, Any]) -> dict[str, Any] | Invalid:
    """`raw` with every number field a number: each text is read (a rate as percent: "0.5"
    is 0.005), or refused naming its field; numbers already in it are kept."""
    out = dict(raw)
    maintenance = dict(out.get("maintenance") or {})
    for field in (*NUMBER_FIELDS, *PERCENT_FIELDS):
        holder, key = (maintenance, "rate") if field == "maintenance.rate" else (out, field)
        value = holder.get(key)
        if isinstance(value, str):
            try:
                holder[key] = _parse(field, value)
            except NumberError as exc:
                return Invalid(field, str(exc))
    if maintenance:
        out["maintenance"] = maintenance
    return out


def _parse(field: str, text: str) -> float:
    return parse_percent(text) if field in PERCENT_FIELDS else parse_number(text)


def field_label(field: str | None) -> str:
    """A field's name as the form shows it."""
    if field is None:
        return "position"
    return _LABELS.get(field, field.replace("_", " "))


def with_unit(field: QLineEdit, unit: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field)
    row.addWidget(QLabel(unit))
    return row


def set_flag(widget: QWidget, name: str, on: bool) -> None:
    """A style-sheet property ("invalid", "warned"), re-polished only when it changes."""
    if widget.property(name) != on:
        widget.setProperty(name, on)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def symbol_box(symbols: list[str]) -> QComboBox:
    """An editable symbol choice: typing part of a name ("eth") offers the markets that
    contain it; what is typed is never added to the list."""
    box = QComboBox(editable=True)
    box.addItems(symbols)
    completer = QCompleter(box.model(), box)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    box.setCompleter(completer)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    return box


def note(name: str) -> QLabel:
    """A message line under the form (its colour from the style sheet, by object name)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label
