"""What-ifs: switching a hypothetical on and off moves every liquidation price and back.

The what-if is stored by the real service beside the demo account's live (venue) book."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from monitor.domain.model import Maintenance, Position, Side
from monitor.service.monitor_service import MonitorService
from monitor.ui import formatting as fmt
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import LIQ_COLUMN
from tests.ui.conftest import selected
from tests.ui.engine_truth import health_of, real_account

WHATIF = Position(
    "ETH/USDT:USDT", Side.LONG, 25, 3_050, 3_050, Maintenance.flat(0.005), hypothetical=True
)


def liq_cells(window: MainWindow) -> dict[str, str]:
    """Liquidation-price text of every real (non-hypothetical) row, by symbol and side."""
    out = {}
    for i in range(window.positions_model.rowCount()):
        row = window.positions_model.position_row(i)
        assert row is not None
        if not row.hypothetical:
            key = f"{row.position.symbol} {row.position.side.value}"
            out[key] = str(window.positions_model.index(i, LIQ_COLUMN).data())
    return out


def test_switching_a_hypothetical_moves_every_liquidation_price_and_back(
    qtbot: Any, window: MainWindow, service: MonitorService
) -> None:
    account_id = selected(window).account_id
    real = real_account(selected(window))
    without = health_of(real)  # engine, independently: the book alone ...
    with_it = health_of(real, WHATIF)  # ... and with the what-if added
    expected_off = {
        f"{p.symbol} {p.side.value}": fmt.price(p.liquidation_price) for p in without.positions
    }
    expected_on = {
        f"{p.symbol} {p.side.value}": (
            f"{fmt.price(b.liquidation_price)} → {fmt.price(p.liquidation_price)}"
        )
        for p, b in zip(with_it.positions, without.positions, strict=False)
    }
    assert all(a != b for a, b in zip(with_it.positions, without.positions, strict=False))
    assert liq_cells(window) == expected_off

    position_id = service.save_position(account_id, WHATIF).result(5)
    qtbot.waitUntil(lambda: liq_cells(window) == expected_on, timeout=5000)
    assert window.header.health_text() == fmt.health(with_it.health_ratio)
    assert window.positions_model.rowCount() == len(real.positions) + 1

    # Switch it off in the what-if panel, as the trader would.
    qtbot.waitUntil(lambda: window.whatif.item_for(position_id) is not None)
    item = window.whatif.item_for(position_id)
    assert item is not None and item.checkState() == Qt.CheckState.Checked
    item.setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: liq_cells(window) == expected_off, timeout=5000)
    assert window.header.health_text() == fmt.health(without.health_ratio)
    assert window.positions_model.rowCount() == len(real.positions)
    assert [pid for pid, _ in selected(window).disabled] == [position_id]  # kept, switched off

    item = window.whatif.item_for(position_id)
    assert item is not None and item.checkState() == Qt.CheckState.Unchecked
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: liq_cells(window) == expected_on, timeout=5000)
    assert window.header.health_text() == fmt.health(with_it.health_ratio)


def test_largest_safe_size_keeps_the_pool_at_the_warning_levels(
    qtbot: Any, window: MainWindow
) -> None:
    snap = selected(window)
    dialog = window.commands.position_dialog(hypothetical=True)
    qtbot.addWidget(dialog)
    dialog.symbol.setCurrentText("ETH/USDT:USDT")
    dialog.side.setCurrentText("long")
    dialog.contracts.clear()  # the size is what the button solves for
    qtbot.mouseClick(dialog.safe_size, Qt.MouseButton.LeftButton)
    size = float(dialog.contracts.text())
    assert size > 0
    real = real_account(snap)
    template = dialog.result_position or dialog.revalidate()
    assert isinstance(template, Position)
    limits = snap.thresholds

    def within(h: Any) -> bool:
        move = h.liquidation_move
        return h.health_ratio >= limits.warning * (1 - 1e-6) and (
            move is None or move >= limits.move_warning * (1 - 1e-6)
        )

    # Invariant, checked with the engine: at that size the pool holds both warning levels
    # (health and the move to liquidation), and 1 % more breaks one of them.
    assert within(health_of(real, _sized(template, size)))
    assert not within(health_of(real, _sized(template, size * 1.01)))


def _sized(p: Position, contracts: float) -> Position:
    import dataclasses

    return dataclasses.replace(p, contracts=contracts)
