"""The "Largest safe size" button on real dialogs: it works from an empty size, keeps the
pool above the warning health and move, and sizes an isolated order at its typed leverage.
Expected sizes are solved by hand from balance / maintenance."""

from __future__ import annotations

import math
from typing import Any

import pytest
from PySide6.QtCore import Qt

from monitor.domain.model import Account, Maintenance, Position, Side
from monitor.ui.position_dialog import PositionDialog

BTC = "BTC/USDT:USDT"


def _floor6(value: float) -> float:
    step = 10 ** (math.floor(math.log10(value)) - 5)
    return math.floor(value / step) * step


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
    assert float(dialog.contracts.text()) == pytest.approx(_floor6(4_700.0 / 300.0), rel=1e-12)
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
    assert size == pytest.approx(_floor6((10_600.0 - 1.92 - 0.3104) / 3_200.0), rel=1e-12)
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
