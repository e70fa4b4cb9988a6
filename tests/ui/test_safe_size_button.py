"""The "Largest safe size" button on real dialogs: it works from an empty size, keeps the
pool above the warning health and move, and sizes an isolated order at its typed leverage.
Expected sizes are solved by hand from balance / maintenance."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from monitor.domain.model import Account, Maintenance, Position, Side
from monitor.ui.position_dialog import PositionDialog

BTC = "BTC/USDT:USDT"


def _shown(text: str, exact: float) -> bool:
    """The size shown is the exact limit rounded down (6 significant digits): never above it."""
    return exact * (1 - 2e-5) <= float(text) <= exact


def _dialog(qtbot: Any, account: Account, **kw: Any) -> PositionDialog:
    dialog = PositionDialog(account, pools=(account,), hypothetical=True, warning_health=2.0, **kw)
    qtbot.addWidget(dialog)
    dialog.symbol.setCurrentText(BTC)
    dialog.side.setCurrentText("long")
    dialog.contracts.clear()
    return dialog


def test_from_an_empty_size_the_button_fills_the_size_at_the_warning_health(qtbot: Any) -> None:
    # Held 1 BTC long at 60,000 (0.5 %) on 10,000: another s BTC at the same mark keeps health
    # 10,000 / (300 + 300 s) at 2 -> s = 4,700 / 300; a 0.1 % move is far away.
    held = Position(BTC, Side.LONG, 1.0, 60_000.0, 60_000.0, Maintenance.flat(0.005))
    dialog = _dialog(qtbot, Account("manual", 10_000.0, (held,)), warning_move=0.001)
    assert dialog.contracts.text() == ""
    qtbot.mouseClick(dialog.safe_size, Qt.MouseButton.LeftButton)
    assert _shown(dialog.contracts.text(), 4_700.0 / 300.0)
    assert "warning health" in dialog.safe_size.toolTip()


def test_an_isolated_order_is_sized_at_the_typed_leverage(qtbot: Any) -> None:
    # 10,600 of wallet, 0.001 BTC held cross at 64,000. Isolated at 20x each BTC takes 3,200
    # of margin from the wallet. The warning move binds: a 3 % fall costs the held 0.001 BTC
    # 1.92 and leaves 0.005 x 0.001 x 62,080 = 0.3104 of maintenance, so at the limit
    # 10,600 - 1.92 - 3,200 s = 0.3104 (the warning health would allow (10,600 - 0.64) / 3,200).
    held = Position(BTC, Side.LONG, 0.001, 64_000.0, 64_000.0, Maintenance.flat(0.005))
    dialog = _dialog(qtbot, Account("manual", 10_600.0, (held,)), warning_move=0.03)
    dialog.mode.setCurrentText("isolated")
    dialog.isolated_margin.clear()
    dialog.leverage.setText("20")
    qtbot.mouseClick(dialog.safe_size, Qt.MouseButton.LeftButton)
    size = float(dialog.contracts.text())
    assert _shown(dialog.contracts.text(), (10_600.0 - 1.92 - 0.3104) / 3_200.0)
    assert "warning move" in dialog.safe_size.toolTip()
    margin = float(dialog.isolated_margin.text())
    assert size * 64_000.0 / margin == pytest.approx(20.0, rel=1e-9)
    assert dialog.error.text() == ""


def test_an_isolated_order_without_a_leverage_is_not_sized_to_the_venues_maximum(
    qtbot: Any,
) -> None:
    held = Position(BTC, Side.LONG, 0.001, 64_000.0, 64_000.0, Maintenance.flat(0.005))
    dialog = _dialog(qtbot, Account("manual", 10_600.0, (held,)), warning_move=0.03)
    dialog.mode.setCurrentText("isolated")
    dialog.isolated_margin.clear()
    dialog.leverage.clear()
    qtbot.mouseClick(dialog.safe_size, Qt.MouseButton.LeftButton)
    assert dialog.contracts.text() == ""
    assert dialog.error.text().startswith("leverage:")


def test_a_held_symbol_brings_the_held_mark_not_a_whatifs(qtbot: Any) -> None:
    # A what-if typed at 70,000 listed before the held 1 BTC at 60,000: the market's mark is
    # the held one, and the order is sized at it: 10,000 / (300 + 300 s) = 2.
    held = Position(BTC, Side.LONG, 1.0, 60_000.0, 60_000.0, Maintenance.flat(0.005))
    whatif = Position(
        BTC, Side.LONG, 0.1, 70_000.0, 70_000.0, Maintenance.flat(0.005), hypothetical=True
    )
    dialog = _dialog(qtbot, Account("manual", 10_000.0, (whatif, held)), warning_move=0.001)
    assert float(dialog.mark.text()) == 60_000.0
    assert float(dialog.entry.text()) == 60_000.0
    qtbot.mouseClick(dialog.safe_size, Qt.MouseButton.LeftButton)
    # The what-if counts too: 10,000 + 0.1 x (60,000 - 70,000) over 300 + 30 + 300 s.
    expected = ((10_000.0 - 1_000.0) / 2.0 - 330.0) / 300.0
    assert _shown(dialog.contracts.text(), expected)


def test_no_safe_size_says_why_and_leaves_the_size(qtbot: Any) -> None:
    held = Position(BTC, Side.LONG, 1.0, 60_000.0, 60_000.0, Maintenance.flat(0.005))
    dialog = _dialog(qtbot, Account("manual", 500.0, (held,)), warning_move=0.001)
    qtbot.mouseClick(dialog.safe_size, Qt.MouseButton.LeftButton)  # health 1.67 < 2 already
    assert dialog.contracts.text() == ""
    reason = "no size is safe: limited by the pool, already past a warning limit"
    assert dialog.error.text() == reason
    assert dialog.safe_size.toolTip() == reason  # kept when the fields are checked again
