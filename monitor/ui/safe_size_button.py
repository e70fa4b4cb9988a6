"""The position dialog's "Largest safe size" button: the size (and, isolated, its margin at
the typed leverage) that keeps the pool above the warning health and the warning move
(domain/safe_size.py, closed form: about a millisecond, so it runs on the click)."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

from monitor.domain.model import MarginMode, Position
from monitor.domain.safe_size import largest_safe_size
from monitor.ui import formatting as fmt
from monitor.ui.numbers import NumberError, parse_number
from monitor.ui.pools import pool_for
from monitor.ui.position_validation import Invalid

if TYPE_CHECKING:
    from monitor.ui.position_dialog import PositionDialog


def _float(text: str) -> float | None:
    """A positive number as typed or displayed ("5,000"), else None."""
    try:
        value = parse_number(text)
    except NumberError:
        return None
    return value if value > 0 else None


def _leverage_of(margin_text: str, size: float | None, p: Position) -> float | None:
    """The leverage a typed size and isolated margin amount to (None: not both typed)."""
    margin = _float(margin_text)
    if margin is None or size is None:
        return None
    entry = 1 / p.entry_price if p.inverse else p.entry_price
    return size * p.contract_size * entry / margin


def _floor(value: float) -> float:
    """Down to 6 significant digits, so what is shown still holds the limit."""
    if not math.isfinite(value) or value <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(value)) - 5)
    return float(math.floor(value / step) * step)


def fill_largest_safe_size(dialog: PositionDialog) -> None:
    """Fill the size (and, isolated, its margin at the typed leverage) with the largest
    that keeps the pool above the warning health and the warning move; the size field
    may be empty (it is what is solved for)."""
    if dialog._account is None:
        return
    raw = dialog.raw()
    typed_size = _float(raw["contracts"])
    raw["contracts"] = "1"  # a stand-in: the size is what is solved for
    if raw["margin_mode"] == "isolated":
        raw["isolated_margin"] = "1"
    result = dialog.position_from(raw)
    if isinstance(result, Invalid):
        label = (result.field or "position").replace("_", " ")
        dialog.error.setText(f"{label}: {result.message}")
        return
    leverage = result.leverage or _leverage_of(dialog.isolated_margin.text(), typed_size, result)
    if result.margin_mode is MarginMode.ISOLATED and not leverage:
        dialog.error.setText(
            "leverage: type the leverage (or a size and its margin) to size an isolated position"
        )
        return
    # The pool the position would count in, as the service places it.
    pool = pool_for(dialog._pools, result) or dialog._account
    others = tuple(p for p in pool.positions if p is not dialog._existing)
    base = dataclasses.replace(pool, positions=others)
    safe = largest_safe_size(base, result, dialog._warning, dialog._warning_move, leverage=leverage)
    if not math.isfinite(safe.contracts):
        dialog.safe_size.setText("Largest safe size: no limit")
        dialog.safe_size.setToolTip("no size reaches a warning limit (no maintenance growth)")
        return
    size = _floor(safe.contracts)
    if size <= 0:
        dialog.safe_size.setText("Largest safe size: none")
        dialog.safe_size.setToolTip(f"no size is safe: limited by {safe.reason}")
        dialog.error.setText(f"no size is safe: limited by {safe.reason}")
        return
    dialog.contracts.setText(f"{size:.6g}")
    if result.margin_mode is MarginMode.ISOLATED and leverage:
        z_entry = 1 / result.entry_price if result.inverse else result.entry_price
        margin = size * result.contract_size * z_entry / leverage
        dialog.isolated_margin.setText(f"{margin:.10g}")  # exactly notional / leverage
    dialog.safe_size.setText(f"Largest safe size: {fmt.amount(size)}")
    dialog.safe_size.setToolTip(f"limited by {safe.reason}")
