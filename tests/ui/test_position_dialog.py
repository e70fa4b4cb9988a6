"""Manual positions typed through the dialog; validation with the portfolio format's rules.

The manual book lives in the real service and its SQLite store."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from monitor.domain.model import Maintenance, Position, Side
from monitor.service.monitor_service import MonitorService
from monitor.ui import formatting as fmt
from monitor.ui.app import MainWindow
from monitor.ui.position_dialog import PositionDialog
from tests.ui.conftest import Rig, book, open_window, selected


def manual_window(qtbot: Any, service: MonitorService, tmp_path: Any) -> MainWindow:
    account_id = service.create_manual_account("book", 2_000, "USDT", None).result(5)
    service.save_position(
        account_id,
        Position("BTC/USDT:USDT", Side.LONG, 0.04, 50_000, 46_000, Maintenance.flat(0.005)),
    ).result(5)
    window = open_window(qtbot, service, tmp_path)
    window.presenter.select(account_id)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == 1)
    return window


def type_position(qtbot: Any, dialog: PositionDialog, **fields: str) -> None:
    for name, text in fields.items():
        widget = getattr(dialog, name)
        widget.clear()
        qtbot.keyClicks(widget, text)


def ok_button(dialog: PositionDialog) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_typing_a_position_adds_a_row_and_moves_health_to_the_engines_value(
    qtbot: Any, service: MonitorService, tmp_path: Any
) -> None:
    window = manual_window(qtbot, service, tmp_path)
    before = selected(window)

    def fill_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PositionDialog)
        dialog.symbol.setEditText("")
        qtbot.keyClicks(dialog.symbol.lineEdit(), "ETH/USDT:USDT")
        dialog.side.setCurrentText("short")
        type_position(qtbot, dialog, contracts="0.4", entry="2500", mark="2700", rate="0.5")
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_and_accept)
    window.commands.edit_position(hypothetical=False)  # modal: returns once OK is clicked
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == 2, timeout=5000)

    # Independent truth: the worked example of the portfolio spec (2,000 USDC, BTC long, ETH
    # short) — margin balance 1,760, maintenance 9.2 + 5.4 = 14.6, health 120.5479…
    snap = selected(window)
    assert snap.health is not None and before.health is not None
    assert math.isclose(snap.health.margin_balance, 1_760, rel_tol=1e-12)
    assert math.isclose(snap.health.maintenance_margin, 14.6, rel_tol=1e-12)
    assert math.isclose(snap.health.health_ratio or 0, 1_760 / 14.6, rel_tol=1e-12)
    assert window.header.health_text() == fmt.health(1_760 / 14.6)
    assert window.header.health_text() != fmt.health(before.health.health_ratio)


def test_a_bad_entry_marks_the_field_and_keeps_the_dialog_open(
    qtbot: Any, rig: Rig, tmp_path: Any
) -> None:
    window = manual_window(qtbot, rig.service, tmp_path)
    account_id = selected(window).account_id
    stored = rig.db.positions.list(account_id)  # what the store holds before the dialog
    assert len(stored) == 1
    dialog = window.commands.position_dialog(hypothetical=False)
    qtbot.addWidget(dialog)
    dialog.show()
    type_position(qtbot, dialog, contracts="0.4", entry="2500", mark="2700")
    assert dialog.invalid_field() is None
    assert ok_button(dialog).isEnabled()

    type_position(qtbot, dialog, contracts="-3")  # the format requires contracts > 0
    assert dialog.invalid_field() == "contracts"
    assert dialog.contracts.property("invalid") is True
    assert dialog.entry.property("invalid") is False
    assert "contracts" in dialog.error.text() and "> 0" in dialog.error.text()
    assert not ok_button(dialog).isEnabled()
    dialog.accept()  # even a forced accept (Enter key) is refused while a field is wrong
    assert dialog.isVisible()
    assert dialog.result_position is None

    type_position(qtbot, dialog, contracts="0.4", mark="abc")
    assert dialog.invalid_field() == "mark_price"
    assert dialog.contracts.property("invalid") is False
    assert dialog.mark.property("invalid") is True
    with qtbot.waitSignal(window.presenter.rendered, timeout=5000):
        rig.service.refresh(account_id)  # one more recompute: the store still holds the one
    assert rig.db.positions.list(account_id) == stored  # nothing was saved
    assert window.positions_model.rowCount() == 1


def test_isolated_margin_is_required_only_for_isolated(qtbot: Any, window: MainWindow) -> None:
    dialog = window.commands.position_dialog(hypothetical=True)
    qtbot.addWidget(dialog)
    type_position(qtbot, dialog, contracts="1")
    dialog.mode.setCurrentText("isolated")
    assert dialog.invalid_field() == "isolated_margin"
    type_position(qtbot, dialog, isolated_margin="500")
    assert dialog.invalid_field() is None


def test_a_symbol_from_the_account_brings_its_mark_and_entry_defaults_to_it(
    qtbot: Any, window: MainWindow
) -> None:
    snap = selected(window)
    dialog = window.commands.position_dialog(hypothetical=True)
    qtbot.addWidget(dialog)
    dialog.symbol.setCurrentText("ETH/USDT:USDT")
    (eth,) = [p for p in book(snap).positions if p.symbol == "ETH/USDT:USDT"]
    assert float(dialog.mark.text()) == eth.mark_price
    assert float(dialog.entry.text()) == eth.mark_price
    assert dialog.hypothetical.isChecked()
