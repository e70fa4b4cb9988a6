"""The move thresholds in the thresholds dialog (in percent, through the service into the store
and back), and the time to liquidation at the current pace in the account header."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, SourceState, SourceStatus
from monitor.ui.account_header import POOL_COLUMNS, AccountHeader
from monitor.ui.app import MainWindow
from monitor.ui.thresholds_dialog import ThresholdsDialog
from tests.ui.conftest import Rig, selected

EDITED = Thresholds(2.5, 1.5, move_warning=0.045, move_critical=0.0125)


def test_the_dialog_shows_the_move_levels_in_percent_and_refuses_them_out_of_order(qtbot):
    dialog = ThresholdsDialog("lev", EDITED)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert (dialog.move_warning.value(), dialog.move_critical.value()) == (4.5, 1.25)
    assert dialog.move_warning.suffix() == " %"
    assert ok.isEnabled() and dialog.thresholds() == EDITED
    dialog.move_critical.setValue(5.0)  # above the 4.5 % warning move
    assert not ok.isEnabled() and dialog.thresholds() is None
    assert dialog.error.text() == (
        "Critical at a liquidating move: move_critical (5 %) must not be above move_warning (4.5 %)"
    )
    dialog.accept()
    assert dialog.result() == 0  # still open, nothing taken
    dialog.move_warning.setValue(6.0)
    assert ok.isEnabled() and dialog.error.text() == ""
    assert dialog.thresholds() == Thresholds(2.5, 1.5, move_warning=0.06, move_critical=0.05)
    dialog.move_critical.setValue(0.0)
    assert not ok.isEnabled() and "move_critical must be above 0 %" in dialog.error.text()


def test_move_levels_set_in_the_dialog_reach_the_store_and_come_back(
    qtbot: Any, window: MainWindow, rig: Rig, monkeypatch: Any
) -> None:
    def typed(dialog: ThresholdsDialog) -> QDialog.DialogCode:
        # What the trader types: health 2.5 / 1.5, moves 4.5 % / 1.25 %.
        dialog.warning.setValue(2.5)
        dialog.critical.setValue(1.5)
        dialog.move_warning.setValue(4.5)
        dialog.move_critical.setValue(1.25)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ThresholdsDialog, "exec", typed)
    window.commands.edit_thresholds()
    qtbot.waitUntil(lambda: rig.db.accounts.get(rig.demo_id).thresholds == EDITED, timeout=5000)
    qtbot.waitUntil(lambda: selected(window).thresholds == EDITED, timeout=5000)
    again = ThresholdsDialog("demo", selected(window).thresholds)
    qtbot.addWidget(again)
    assert (again.move_warning.value(), again.move_critical.value()) == (4.5, 1.25)
    assert again.thresholds() == EDITED


def _snapshot(*etas: float | None, state: SourceState = SourceState.MANUAL) -> AccountSnapshot:
    pools = []
    for i, eta in enumerate(etas):
        btc = Position(
            "BTC/USDT:USDT", Side.LONG, 1.0, 91_350.0, 91_350.0, Maintenance.flat(100 / 91_350)
        )
        account = Account("lev", 830.0, (btc,), collateral=("USDT", "USDC")[i])
        (health,) = evaluate_accounts([account])
        pools.append(PoolSnapshot(account.collateral or "", account, (), health, health, None, eta))
    return AccountSnapshot(
        account_id=1,
        name="lev",
        kind="manual",
        venue=None,
        thresholds=Thresholds(),
        pools=tuple(pools),
        status=SourceStatus(state, 0.0),
    )


def test_the_header_tells_the_time_to_liquidation_only_while_the_move_shrinks(qtbot):
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(40.0), 0.0)
    assert not header.pace.isHidden()
    assert header.pace.text() == "≈ 40 s at the current pace"
    header.show_account(_snapshot(None), 0.0)  # not moving toward liquidation
    assert header.pace.isHidden()
    header.show_account(_snapshot(40.0, state=SourceState.STALE), 0.0)  # not current
    assert header.pace.isHidden()
    header.show_account(None, 0.0)
    assert header.pace.isHidden()


def test_every_pool_row_tells_its_own_pace(qtbot):
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(40.0, 150.0 * 60), 0.0)
    moves = [row[POOL_COLUMNS.index("Liquidating move")] for row in header.pool_rows()]
    # 1 BTC long at health 8.3: a 0.8 % fall liquidates it, a rise never does.
    assert moves == [
        "-0.8 % / none · ≈ 40 s at the current pace",
        "-0.8 % / none · ≈ 2.5 h at the current pace",
    ]
