"""Screenshots of the window on the real service (run by hand, not a test):

    xvfb-run -s '-screen 0 1920x1080x24' .venv/bin/python -m tests.ui.make_screenshots OUT \
        [--light] [--size=1920x1080]

A throw-away SQLite file in OUT, the simulated venue on loopback with its prices ticking, and
the real MonitorService polling it through ccxt: the demo account, an account with two margin
pools (USDT and USDC, hedge mode), a manual book, an account whose venue hangs (stale) and one
whose venue answers 502 (failing); last, the market falls until the demo is critical. The
alerts on screen are the ones the service's alert machine raised. Every state a trader can
meet is on screen. The README's are main-dark.png (as main.png), whatif-ladder.png,
critical.png and history.png.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from monitor.domain.model import Maintenance, MarginMode, Position, Side
from monitor.domain.report import Level
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.snapshot import SourceState
from monitor.service.sources import Connection
from monitor.sources.sim.book import DEMO_BOOK, SimBook, SimPosition
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue
from monitor.store.database import open_database
from monitor.ui.app import MainWindow
from tests.service.conftest import FAST_BACKOFF, FAST_RULES, test_reader

# Two cross pools, USDT and USDC, in hedge mode (a long and a short leg of ETHUSDC).
POOLS_BOOK = SimBook(
    "binance-pools",
    12_000.0,
    (
        SimPosition("BTCUSDT", 0.6, 62_500.0, 20),
        SimPosition("SOLUSDT", -200.0, 152.0, 10),
        SimPosition("ETHUSDC", 10.0, 3_000.0, 20),
        SimPosition("ETHUSDC", -4.0, 3_120.0, 20),
        SimPosition("BTCUSDC", 0.2, 64_500.0, 20),
    ),
    wallets={"USDC": 6_000.0},
    hedge=True,
)


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def pump_until(condition: Callable[[], Any], timeout_ms: int = 15_000) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the state to photograph")
        pump(50)


def state_of(window: MainWindow, name: str) -> SourceState | None:
    snap = window.presenter.latest
    account = next((a for a in snap.accounts if a.name == name), None) if snap else None
    return None if account is None else account.status.state


def account_id(window: MainWindow, name: str) -> int:
    snap = window.presenter.latest
    assert snap is not None
    return next(a.account_id for a in snap.accounts if a.name == name)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "screens.sqlite").unlink(missing_ok=True)  # a fresh database every run
    (out / "window.ini").unlink(missing_ok=True)  # the default layout, not the last run's
    app = QApplication.instance() or QApplication(sys.argv)
    venue = SimVenue(seed=7)
    venue.start()
    held = {
        "demo": DEMO_CREDENTIALS,
        "binance-pools": venue.add_book(POOLS_BOOK),
        "okx-main": venue.add_book(DEMO_BOOK.scaled("okx-main", 0.6)),
        "binance-sub": venue.add_book(DEMO_BOOK.scaled("binance-sub", 0.1)),
    }
    keys = {name: (c.api_key, c.secret) for name, c in held.items()}

    def sim(record: Any) -> Connection:
        key, secret = keys[record.name]
        return Connection(
            ExchangeSettings("binanceusdm", api_url=venue.url), Credentials(key, secret)
        )

    db = open_database(f"sqlite:///{out / 'screens.sqlite'}")
    for name in keys:
        db.accounts.add(
            name, "simulated", venue="binanceusdm", collateral="USDT", settings={"interval": 0.5}
        )
    service = MonitorService(
        db, sim=sim, rules=FAST_RULES, backoff=FAST_BACKOFF, tick=0.1, reader_factory=test_reader
    )
    service.start()
    theme = "light" if "--light" in sys.argv else "dark"
    window = MainWindow(service, theme=theme, settings_path=out / "window.ini")
    # A laptop screen by default, what must stay readable (--size=1920x1080 for a desktop):
    # the window as the desktop fits it, the accounts list keeping its share.
    size = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--size=")), "1280x800")
    width, height = (int(v) for v in size.split("x"))
    window.resize(width, height)
    window.splitters["main"].setSizes([310, width - 310])
    window.show()
    try:
        swing = service.create_manual_account("swing-book", 3_000, "USDT", "bybit").result(5)
        flat = Maintenance.flat
        for position in (
            Position("BTC/USDT:USDT", Side.SHORT, 0.1, 58_000, 61_000, flat(0.005), leverage=20),
            Position(
                "DOGE/USDT:USDT", Side.LONG, 20_000, 0.16, 0.15, flat(0.01),
                margin_mode=MarginMode.ISOLATED, isolated_margin=400,
            ),
        ):  # fmt: skip
            service.save_position(swing, position).result(5)
        venue.start_ticker(interval=0.25, dt=60)  # a simulated minute every 250 ms: history
        pump_until(lambda: state_of(window, "okx-main") is SourceState.OK)
        pump_until(lambda: state_of(window, "binance-pools") is SourceState.OK)
        pump(8_000)
        # ccxt gives up on a hung request after 10 s (then the account shows an error):
        # everything below is photographed well within that.
        venue.faults.set("hang", api_key=keys["okx-main"][0])  # stale after 1.5 s
        venue.faults.set("server_error", 502, api_key=keys["binance-sub"][0])  # failing
        pump_until(lambda: state_of(window, "okx-main") is SourceState.STALE)
        pump_until(lambda: state_of(window, "binance-sub") is SourceState.ERROR)
        shots: tuple[tuple[str, QWidget], ...] = (
            (f"main-{theme}", window.stress_chart),
            ("ladder", window.ladder_chart),
            ("history", window.history_chart),
        )
        for name, tab in shots:
            window.tabs.setCurrentWidget(tab)
            pump(500)
            window.grab().save(str(out / f"{name}.png"))
        demo = window.presenter.selected_id
        window._select_row_of(account_id(window, "binance-pools"))
        window.tabs.setCurrentWidget(window.stress_chart)
        pump(800)
        window.grab().save(str(out / f"pools-{theme}.png"))
        window._select_row_of(swing)  # a manual account: typed marks, said so
        window.tabs.setCurrentWidget(window.ladder_chart)
        pump(800)
        window.grab().save(str(out / "manual.png"))
        window._select_row_of(demo)
        pump(500)

        # What-if: half as much again of the demo's biggest position.
        snap = window.presenter.selected()
        assert snap is not None and snap.account is not None
        biggest = max(snap.account.positions, key=lambda p: p.contracts * p.mark_price)
        whatif = dataclasses.replace(
            biggest,
            contracts=biggest.contracts * 0.5,
            hypothetical=True,
            entry_price=biggest.mark_price,
            exchange_liquidation_price=None,
        )
        whatif_id = service.save_position(snap.account_id, whatif).result(5)
        pump(1_500)
        shots = (
            ("whatif", window.whatif),
            ("whatif-stress", window.stress_chart),
            ("whatif-ladder", window.ladder_chart),
        )
        for name, tab in shots:
            window.tabs.setCurrentWidget(tab)
            pump(500)
            window.grab().save(str(out / f"{name}.png"))

        window.tabs.setCurrentWidget(window.alerts)
        broken = next(a for a in window.presenter.latest.accounts if a.name == "binance-sub")
        window._select_row_of(broken.account_id)
        pump(800)
        window.grab().save(str(out / "error-account.png"))
        dialog = window.commands.position_dialog(True)
        dialog.contracts.setText("12x")
        dialog.show()
        pump(300)
        dialog.grab().save(str(out / "dialog-invalid.png"))
        dialog.close()

        # The market falls until the demo's pool is critical (health 1.2, by the venue's
        # rules): the alert machine raises it, the banner shows it.
        service.delete_position(snap.account_id, whatif_id).result(5)
        venue.stop_ticker()
        venue.shift_all(venue.factor_for_health(DEMO_CREDENTIALS.api_key, 1.2))
        window._select_row_of(snap.account_id)
        window.tabs.setCurrentWidget(window.whatif)
        pump_until(lambda: (a := window.banner.shown()) is not None and a.level is Level.CRITICAL)
        pump(800)
        window.grab().save(str(out / "critical.png"))
    finally:
        window.close()  # the window goes first, then the service, then the venue
        service.stop()
        venue.stop()
        db.close()
        app.quit()


if __name__ == "__main__":
    main(Path(next((a for a in sys.argv[1:] if not a.startswith("--")), "screenshots")))
