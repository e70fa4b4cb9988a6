"""Settings are remembered; exchange dialog tests off the UI thread; files round-trip.

All on the real service and the simulated venue (see conftest)."""

from __future__ import annotations

import dataclasses
import json
import math
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from monitor.formats.portfolio import load_portfolio
from monitor.service.api import ConnectionReport, Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.sources.sim.venue import DEMO_CREDENTIALS
from monitor.ui.app import MainWindow
from monitor.ui.exchange_dialog import ExchangeDialog
from monitor.ui.keyed_table import KEY_ROLE
from tests.ui.conftest import KEY, Rig, book, latest, open_window, selected


def test_theme_and_splitter_sizes_are_remembered(
    qtbot: Any, service: MonitorService, tmp_path: Path
) -> None:
    first = open_window(qtbot, service, tmp_path)
    first.set_theme("light")
    assert "#ffffff" in QApplication.instance().styleSheet()  # type: ignore[union-attr]
    # Heights fit the small offscreen screen (widths do not, so restoreGeometry clamps them):
    # the vertical splitter must come back exactly.
    first.resize(first.minimumSizeHint().width(), 560)
    first.splitters["right"].setSizes([120, 150, 250])
    sizes = first.splitters["right"].sizes()
    first.close()
    second = open_window(qtbot, service, tmp_path)
    assert second.height() == first.height()
    assert second.theme == "light"
    assert second.menu.theme_actions["light"].isChecked()
    assert second.splitters["right"].sizes() == sizes
    second.set_theme("dark")


def test_test_connection_runs_off_the_ui_thread_and_reports(
    qtbot: Any, window: MainWindow, rig: Rig
) -> None:
    def on_the_local_venue(
        settings: ExchangeSettings, credentials: Credentials
    ) -> Future[ConnectionReport]:
        # The dialog has no API-URL field: point its settings at the simulated venue.
        return rig.service.test_connection(
            dataclasses.replace(settings, api_url=rig.venue.url), credentials
        )

    dialog = ExchangeDialog(
        window.commands.catalog(), window.hub.when_done, on_the_local_venue, window
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 3)
    dialog.search.setText("liquid")
    visible = [dialog.list.item(i).text() for i in range(3) if not dialog.list.item(i).isHidden()]
    assert visible == ["hyperliquid"]
    dialog.list.setCurrentRow(0)  # binanceusdm: key and secret, no passphrase
    assert dialog.inputs["apiKey"].isVisibleTo(dialog)
    assert not dialog.inputs["password"].isVisibleTo(dialog)

    # Keys the venue does not know: it refuses them, and the dialog says so.
    dialog.inputs["apiKey"].setText("k")
    dialog.inputs["secret"].setText("s")
    qtbot.mouseClick(dialog.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report.text().startswith("✖"), timeout=5000)

    # The demo keys: the venue's book is found. The click returns before the answer: the
    # reader is made and the venue read on the service's loop thread, never the UI thread.
    dialog.inputs["apiKey"].setText(DEMO_CREDENTIALS.api_key)
    dialog.inputs["secret"].setText(DEMO_CREDENTIALS.secret)
    rig.readers.clear()
    qtbot.mouseClick(dialog.test, Qt.MouseButton.LeftButton)
    assert dialog.report.text().startswith("testing")
    qtbot.waitUntil(lambda: dialog.report.text().startswith("✔"), timeout=5000)
    held = rig.venue.book(KEY)
    assert f"{len(held.positions)} position(s)" in dialog.report.text()
    assert f"wallet {held.wallet:,.2f} USDT" in dialog.report.text()
    threads = {thread for name, thread in rig.readers if name == "test"}
    assert threads == {"monitor-service"}
    assert threading.current_thread().name not in threads


def test_export_then_import_recreates_the_book(
    qtbot: Any, window: MainWindow, rig: Rig, tmp_path: Path
) -> None:
    path = tmp_path / "demo.json"
    window.commands.export_file(str(path))
    exported = load_portfolio(path)  # the format's own parser accepts the file
    snap = selected(window)
    assert [p.symbol for p in exported[0].positions] == [p.symbol for p in book(snap).positions]
    wallet = rig.venue.book(KEY).wallet  # what the venue holds
    assert json.loads(path.read_text())["accounts"][0]["wallet_balance"] == wallet

    # The store keeps account names unique: importing "demo" beside the live "demo" is
    # refused, and the window says why.
    window.commands.import_file(str(path))
    qtbot.waitUntil(lambda: window.alerts.model.rowCount() == 1, timeout=5000)
    error = window.alerts.model.service_event(0)
    assert error.kind == "command_error" and error.message.startswith("import of demo:")
    assert [a.name for a in latest(window).accounts] == ["demo"]

    # Remove the live account, then import: a manual book, same name, same positions, same
    # health (marks as written in the file, which are the venue's, unmoved).
    rig.service.remove_account(snap.account_id).result(5)
    window.commands.import_file(str(path))

    def imported() -> Any:
        accounts = [a for a in latest(window).accounts if a.kind == "manual"]
        return accounts[0] if accounts else None

    qtbot.waitUntil(
        lambda: imported() is not None and len(imported().refs) == len(book(snap).positions),
        timeout=5000,
    )
    # The table shows the snapshot at the presenter's next redraw (its tick), not at once.
    qtbot.waitUntil(
        lambda: (
            window.accounts_model.rowCount() == 1
            and window.accounts_model.index(0, 0).data(KEY_ROLE) == imported().account_id
        ),
        timeout=2000,
    )
    manual = imported()
    assert manual.name == snap.name
    assert [p.symbol for p in book(manual).positions] == [p.symbol for p in book(snap).positions]
    assert book(manual).wallet_balance == wallet
    assert manual.health is not None and snap.health is not None
    assert math.isclose(
        manual.health.health_ratio or 0, snap.health.health_ratio or 0, rel_tol=1e-12
    )


def test_an_invalid_portfolio_file_creates_nothing(
    qtbot: Any, window: MainWindow, service: MonitorService, tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "format": "margin-monitor.portfolio/1",
                "accounts": [{"name": "x", "wallet_balance": 1, "positions": [{"symbol": "BTC"}]}],
            }
        )
    )
    shown: list[str] = []
    monkeypatch.setattr("monitor.ui.commands.QMessageBox.warning", lambda *a: shown.append(a[2]))
    window.commands.import_file(str(path))
    assert shown and "missing required key" in shown[0]
    with qtbot.waitSignal(window.presenter.rendered, timeout=5000):
        service.refresh()  # one more snapshot: nothing was added
    assert len(latest(window).accounts) == 1
