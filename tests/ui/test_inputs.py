"""Inputs of the position and manual-account dialogs, typed as a trader types them: rates in
percent with the unit, the app's own display format ("5,000"), sanity warnings beside the field,
and symbols resolved against the venue's markets (or refused, naming the field)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from monitor.domain.model import Account, Maintenance, Position, Side
from monitor.ui.account_dialog import ManualAccountDialog
from monitor.ui.app import MainWindow
from monitor.ui.position_dialog import PositionDialog

BTC = Position("BTC/USDT:USDT", Side.LONG, 0.04, 50_000, 46_000, Maintenance.flat(0.004))
BOOK = Account("book", 2_000, (BTC,))


def dialog_for(qtbot: Any, **kwargs: Any) -> PositionDialog:
    dialog = PositionDialog(BOOK, hypothetical=False, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def type_eth(qtbot: Any, dialog: PositionDialog, symbol: str = "ETH/USDT:USDT") -> None:
    dialog.symbol.setEditText("")
    qtbot.keyClicks(dialog.symbol.lineEdit(), symbol)
    for widget, text in ((dialog.contracts, "2"), (dialog.entry, "3000"), (dialog.mark, "3000")):
        type_into(qtbot, widget, text)


def ok(dialog: Any) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def accepted(dialog: PositionDialog) -> Position:
    dialog.accept()
    assert dialog.result_position is not None, dialog.error.text()
    return dialog.result_position


def test_rates_are_typed_and_shown_in_percent_with_the_unit(qtbot: Any) -> None:
    dialog = dialog_for(qtbot)
    type_eth(qtbot, dialog)
    type_into(qtbot, dialog.rate, "0.5")  # the "0.5" meaning 0.5 %, not 50 %
    type_into(qtbot, dialog.close_fee, "0.05 %")  # the unit may be typed too
    assert dialog.warning.text() == "" and ok(dialog).isEnabled()
    position = accepted(dialog)
    assert position.maintenance.tiers[0].rate == 0.005
    assert position.close_fee_rate == 0.0005
    # The unit is on screen beside each rate field.
    units = [w.text() for w in dialog.findChildren(QLabel) if w.text() == "%"]
    assert len(units) == 2


def test_a_held_positions_rate_is_shown_in_percent(qtbot: Any) -> None:
    dialog = PositionDialog(BOOK, hypothetical=False, existing=BTC)
    qtbot.addWidget(dialog)
    assert dialog.rate.text() == "0.4"  # BTC's 0.004


def test_a_high_rate_is_warned_beside_the_field_and_a_rate_of_100_percent_refused(
    qtbot: Any,
) -> None:
    dialog = dialog_for(qtbot)
    type_eth(qtbot, dialog)
    type_into(qtbot, dialog.rate, "5")
    # Warned, not refused: 5 % is allowed (a top tier) but most often a slip of the unit.
    assert ok(dialog).isEnabled()
    assert dialog.rate.property("warned") is True
    assert "maintenance rate" in dialog.warning.text() and "5 %" in dialog.warning.text()
    assert "0.05 %" in dialog.warning.text()  # what was probably meant
    type_into(qtbot, dialog.rate, "0.5")
    assert dialog.warning.text() == "" and dialog.rate.property("warned") is False
    type_into(qtbot, dialog.rate, "100")
    assert not ok(dialog).isEnabled()
    assert dialog.invalid_field() == "maintenance.rate"
    assert dialog.error.text().startswith("maintenance rate:")


def test_numbers_in_the_apps_display_format_are_accepted(qtbot: Any) -> None:
    dialog = dialog_for(qtbot)
    type_eth(qtbot, dialog)
    type_into(qtbot, dialog.contracts, "5,000")
    type_into(qtbot, dialog.entry, "3,150.5")
    type_into(qtbot, dialog.mark, "3,150")
    position = accepted(dialog)
    assert (position.contracts, position.entry_price, position.mark_price) == (5000, 3150.5, 3150)


def test_a_decimal_comma_is_refused_naming_the_field(qtbot: Any) -> None:
    dialog = dialog_for(qtbot)
    type_eth(qtbot, dialog)
    type_into(qtbot, dialog.contracts, "0,5")  # 0.5 or 5? neither guess is safe
    assert dialog.invalid_field() == "contracts"
    assert not ok(dialog).isEnabled()
    assert dialog.error.text().startswith("contracts:") and "comma" in dialog.error.text()


def test_a_mark_far_from_the_held_mark_is_warned(qtbot: Any) -> None:
    dialog = dialog_for(qtbot)
    type_eth(qtbot, dialog, "BTC/USDT:USDT")  # held at 46,000
    type_into(qtbot, dialog.entry, "50000")
    type_into(qtbot, dialog.mark, "1e9")
    assert ok(dialog).isEnabled()
    assert dialog.mark.property("warned") is True
    assert "mark price" in dialog.warning.text() and "46,000.0" in dialog.warning.text()
    type_into(qtbot, dialog.mark, "46,500")  # about 1 % off: a normal move
    assert dialog.warning.text() == ""


def test_free_text_symbols_map_to_one_venue_market_or_are_refused(qtbot: Any) -> None:
    venue = {"BTC/USDT:USDT": 61_000.0, "ETH/USDT:USDT": 3_050.0, "ETH/USDC:USDC": 3_049.0}
    dialog = dialog_for(qtbot, market_marks=venue, venue="binanceusdm")
    type_eth(qtbot, dialog, "ETHUSDT")
    assert dialog.invalid_field() is None
    assert dialog.symbol_note.text() == "read as ETH/USDT:USDT"
    assert accepted(dialog).symbol == "ETH/USDT:USDT"

    dialog = dialog_for(qtbot, market_marks=venue, venue="binanceusdm")
    type_eth(qtbot, dialog, "DOGEUSDT")  # not listed by the venue
    assert dialog.invalid_field() == "symbol"
    assert dialog.error.text().startswith("symbol:") and "binanceusdm" in dialog.error.text()
    assert not ok(dialog).isEnabled()


def test_without_a_venue_only_an_unambiguous_spelling_is_mapped(qtbot: Any) -> None:
    dialog = dialog_for(qtbot)
    type_eth(qtbot, dialog, "ETHUSDT")  # a USDT perpetual settles in USDT: one reading
    assert dialog.symbol_note.text() == "read as ETH/USDT:USDT"
    type_eth(qtbot, dialog, "BTCUSD")  # linear or inverse: the trader must say
    assert dialog.invalid_field() == "symbol"
    assert "BASE/QUOTE:SETTLE" in dialog.error.text()


def test_the_symbol_completer_offers_the_venues_markets(qtbot: Any, window: MainWindow) -> None:
    """The demo account's venue (the simulated Binance on loopback) lists its perpetuals
    through the service; typing part of a name offers them."""
    dialog = window.commands.position_dialog(hypothetical=True)
    qtbot.addWidget(dialog)
    dialog.show()
    items = lambda: [dialog.symbol.itemText(i) for i in range(dialog.symbol.count())]  # noqa: E731
    qtbot.waitUntil(lambda: "DOGE/USDT:USDT" in items(), timeout=10_000)  # held: BTC, ETH, SOL
    completer = dialog.symbol.completer()
    completer.setCompletionPrefix("doge")
    offered = [
        completer.completionModel().index(i, 0).data()
        for i in range(completer.completionModel().rowCount())
    ]
    assert offered == ["DOGE/USDT:USDT"]
    dialog.symbol.setEditText("")
    qtbot.keyClicks(dialog.symbol.lineEdit(), "DOGEUSDT")
    assert dialog.resolved_symbol() == "DOGE/USDT:USDT"


def test_the_manual_account_wallet_takes_the_display_format_and_refuses_a_negative(
    qtbot: Any,
) -> None:
    dialog = ManualAccountDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "swing")
    qtbot.keyClicks(dialog.wallet, "5,000")
    assert ok(dialog).isEnabled() and dialog.wallet_balance() == 5000
    type_into(qtbot, dialog.wallet, "-5,000")
    assert not ok(dialog).isEnabled()
    assert dialog.wallet.property("invalid") is True
    assert dialog.error.text().startswith("wallet balance:") and "0 or more" in dialog.error.text()
    dialog.accept()
    assert dialog.result() == 0  # still open, what was typed kept
    assert dialog.name.text() == "swing" and dialog.wallet.text() == "-5,000"


def test_the_venues_markets_reach_a_dialog_before_it_is_shown(
    qtbot: Any, window: MainWindow
) -> None:
    """The list may come back before the dialog is on screen (exec() shows it a moment later):
    it must not be dropped as if the dialog were closed."""
    dialog = window.commands.position_dialog(hypothetical=True)
    qtbot.addWidget(dialog)
    assert not dialog.isVisible()
    items = lambda: [dialog.symbol.itemText(i) for i in range(dialog.symbol.count())]  # noqa: E731
    qtbot.waitUntil(lambda: "DOGE/USDT:USDT" in items(), timeout=10_000)
