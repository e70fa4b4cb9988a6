"""A what-if on a held symbol of a manual account, typed at another mark, moves with the held
position: the window shows one liquidation price on both rows and says which mark counts."""

from __future__ import annotations

from typing import Any

from monitor.domain.model import Maintenance, Position, Side
from monitor.service.monitor_service import MonitorService
from monitor.ui import formatting as fmt
from monitor.ui.positions_model import LIQ_COLUMN
from tests.ui.conftest import open_window

BTC = "BTC/USDT:USDT"
HELD = Position(BTC, Side.LONG, 0.04, 50_000, 46_000, Maintenance.flat(0.005))
WHATIF = Position(BTC, Side.LONG, 0.02, 50_000, 52_000, Maintenance.flat(0.005), hypothetical=True)


def test_a_whatif_typed_at_another_mark_shares_the_held_liquidation_price(
    qtbot: Any, service: MonitorService, tmp_path: Any
) -> None:
    account_id = service.create_manual_account("typed", 1_500, "USDT", None).result(5)
    service.save_position(account_id, HELD).result(5)
    window = open_window(qtbot, service, tmp_path)
    window.presenter.select(account_id)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == 1)
    service.save_position(account_id, WHATIF).result(5)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == 2, timeout=5000)

    # Both at the held 46,000: 1,500 + 0.06 (P - 50,000) = 0.005 x 0.06 P -> P = 1,500 / 0.0597.
    # The held one alone: 1,500 + 0.04 (P - 50,000) = 0.0002 P -> P = 500 / 0.0398.
    together, alone = fmt.price(1_500 / 0.0597), fmt.price(500 / 0.0398)
    cells = {}
    for i in range(2):
        row = window.positions_model.position_row(i)
        assert row is not None
        cells[row.hypothetical] = str(window.positions_model.index(i, LIQ_COLUMN).data())
    assert cells == {False: f"{alone} → {together}", True: together}
    summary = window.whatif.summary.text()
    assert "Note: BTC/USDT:USDT: rows given different marks (46,000.00, 52,000.00)" in summary
    assert "valued at 46,000.00 (the held position's)" in summary
