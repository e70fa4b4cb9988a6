"""Editing an account from the window: alert thresholds, and an exchange account's settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QDialogButtonBox

from monitor.domain.model import Thresholds
from monitor.service.api import ExchangeInfo, ExchangeSettings
from monitor.ui.exchange_dialog import ExchangeDialog
from monitor.ui.thresholds_dialog import ThresholdsDialog
from tests.ui_live.test_alert_channels import live  # noqa: F401  (the fixture)


def test_thresholds_dialog_refuses_critical_above_warning(qtbot):
    dialog = ThresholdsDialog("demo", Thresholds())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled() and dialog.thresholds() == Thresholds()
    dialog.critical.setValue(3.0)  # above the 2.0 warning: the domain's rule says no
    assert not ok.isEnabled() and dialog.thresholds() is None and dialog.error.text()
    dialog.accept()
    assert dialog.result() == 0  # still open, nothing taken
    dialog.warning.setValue(4.0)
    assert ok.isEnabled() and dialog.thresholds() == Thresholds(warning=4.0, critical=3.0)


def test_thresholds_reach_the_window_through_the_service(live, qtbot):  # noqa: F811
    window, _venue, db = live
    account_id = db.accounts.by_name("demo").account_id
    window.commands.service.set_thresholds(account_id, Thresholds(50.0, 40.0)).result(10)
    # The demo pool (health ~10) is now below critical: the header says so.
    qtbot.waitUntil(lambda: "critical" in window.header.band_caption.text(), timeout=10_000)


def test_exchange_dialog_shows_an_accounts_settings_for_editing(qtbot):
    catalog = [ExchangeInfo("binanceusdm", "Binance USDⓈ-M", ("apiKey", "secret"), True)]
    from concurrent.futures import Future

    loaded: Future[list[ExchangeInfo]] = Future()
    loaded.set_result(catalog)
    dialog = ExchangeDialog(loaded, lambda f, cb: cb(f), lambda *_: Future())
    qtbot.addWidget(dialog)
    stored = ExchangeSettings("binanceusdm", sandbox=True, api_url="http://127.0.0.1:8765")
    dialog.edit("main", stored)
    assert dialog.settings() == stored
    assert not dialog.name.isEnabled() and dialog.name.text() == "main"
    creds = dialog.credentials()
    assert (creds.api_key, creds.secret) == ("", "")  # empty: the stored keys are kept


def test_a_what_if_can_use_any_market_of_the_venue_with_its_mark(live, qtbot):  # noqa: F811
    """A market the account does not hold is offered with the venue's current mark."""
    window, venue, _db = live
    from monitor.sources.sim.book import DEMO_BOOK

    # The demo account holds only BTC from here on; the venue still quotes all its markets.
    venue.set_book(
        "sim-demo-key", DEMO_BOOK.__class__("demo", DEMO_BOOK.wallet, DEMO_BOOK.positions[:1])
    )
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == 1, timeout=10_000)
    dialog = window.commands.position_dialog(True)
    qtbot.addWidget(dialog)
    dialog.show()
    items = lambda: [dialog.symbol.itemText(i) for i in range(dialog.symbol.count())]  # noqa: E731
    qtbot.waitUntil(lambda: "ETH/USDT:USDT" in items(), timeout=10_000)
    assert "BTC/USDT:USDT" in items()  # the held one, with its venue rule
    dialog.symbol.setCurrentText("ETH/USDT:USDT")
    eth = venue.marks()["ETHUSDT"]
    assert float(dialog.mark.text().replace(",", "")) == eth
    assert float(dialog.entry.text().replace(",", "")) == eth  # entry defaults to the mark
