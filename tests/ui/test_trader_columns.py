"""The positions table's trader columns (issue 13, point 8): each value against a re-statement
in the test from the typed numbers (or the simulated venue's own report), never the code's.

- The demo (simulated Binance, all cross): venue symbols, size in coin, side colours, ROE,
  margin and the pool's effective leverage (its notional ÷ the venue's margin balance).
- A manual book typed like an OKX one: contracts, an isolated position's own leverage, the
  taker fee to close in the break-even price.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from monitor.domain.model import Maintenance, MarginMode, Position, Side
from monitor.service.monitor_service import MonitorService
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import HEADERS
from monitor.ui.venue_symbols import venue_symbol
from tests.ui.conftest import KEY, UI_MARKS, Rig, latest, open_window, selected

GREEN, RED = "#2e9e5b", "#d8313f"  # long / profit, short / loss: the venues' own convention


def rows_by_symbol(window: MainWindow) -> dict[str, int]:
    out = {}
    for i in range(window.positions_model.rowCount()):
        row = window.positions_model.position_row(i)
        assert row is not None
        out[row.position.symbol] = i
    return out


def text(window: MainWindow, row: int, header: str, role: Any = None) -> Any:
    index = window.positions_model.index(row, HEADERS.index(header))
    return index.data() if role is None else index.data(role)


def colour(window: MainWindow, row: int, header: str) -> str:
    brush = text(window, row, header, Qt.ItemDataRole.ForegroundRole)
    return "" if brush is None else str(brush.color().name())


def show(qtbot: Any, window: MainWindow, account_id: int) -> None:
    """Select the account once the window has it (before, a render would select another)."""
    qtbot.waitUntil(lambda: any(a.account_id == account_id for a in latest(window).accounts))
    window.presenter.select(account_id)


def pct(value: float) -> str:
    return f"{value * 100:+.1f} %"


def test_demo_rows_show_the_venues_symbols_sizes_sides_roe_margin_and_leverage(
    window: MainWindow, rig: Rig
) -> None:
    # UI_BOOK, restated: (amount, entry, leverage) and the marks of UI_MARKS.
    typed = {
        "BTC/USDT:USDT": (1.5, 62_500.0, 10, UI_MARKS["BTC"], "BTCUSDT", "1.5 BTC"),
        "ETH/USDT:USDT": (-40.0, 3_000.0, 10, UI_MARKS["ETH"], "ETHUSDT", "40 ETH"),
        "SOL/USDT:USDT": (400.0, 152.0, 5, UI_MARKS["SOL"], "SOLUSDT", "400 SOL"),
    }
    rows = rows_by_symbol(window)
    assert set(rows) == set(typed)
    # Every cross position is backed by the whole pool: its notional ÷ the margin balance
    # the venue itself reports.
    pool_notional = sum(abs(q) * mark for q, _, _, mark, _, _ in typed.values())
    margin_balance = rig.venue.reported(KEY).pool("USDT").margin_balance
    leverage = f"{pool_notional / margin_balance:,.1f}×"
    for symbol, (amount, entry, lev, mark, venue_name, size) in typed.items():
        i = rows[symbol]
        assert text(window, i, "Symbol") == venue_name  # Binance's way
        assert symbol in text(window, i, "Symbol", Qt.ItemDataRole.ToolTipRole)
        assert text(window, i, "Size") == size
        long = amount > 0
        assert text(window, i, "Side") == ("long" if long else "short")
        assert colour(window, i, "Side") == (GREEN if long else RED)
        pnl = amount * (mark - entry)
        margin = abs(amount) * entry / lev  # Binance: ROE's initial margin, at entry
        assert text(window, i, "Margin") == f"{margin:,.2f}"
        assert text(window, i, "ROE") == pct(pnl / margin)
        assert colour(window, i, "ROE") == (GREEN if pnl >= 0 else RED)
        assert text(window, i, "Lev.") == leverage
        assert f"set leverage {lev}×" in text(window, i, "Lev.", Qt.ItemDataRole.ToolTipRole)
        # Binance's demo gives no fee rate to close: the break-even is the entry itself.
        assert text(window, i, "Break-even") == text(window, i, "Entry")


def test_a_typed_book_in_contracts_with_fees_and_an_isolated_position(
    qtbot: Any, service: MonitorService, tmp_path: Path
) -> None:
    wallet = 5_000.0
    account_id = service.create_manual_account("okx-like", wallet, "USDT", None).result(5)
    # OKX counts ETH-USDT-SWAP in contracts of 0.1 ETH; isolated, 3,000 of margin at 15×.
    eth = Position(
        "ETH/USDT:USDT", Side.LONG, 150, 3_000, 3_100, Maintenance.flat(0.005),
        contract_size=0.1, margin_mode=MarginMode.ISOLATED, isolated_margin=3_000,
        leverage=15, close_fee_rate=0.0005,
    )  # fmt: skip
    btc = Position(
        "BTC/USDT:USDT", Side.SHORT, 0.5, 60_000, 61_000, Maintenance.flat(0.005),
        leverage=20, close_fee_rate=0.0004,
    )  # fmt: skip
    for position in (eth, btc):
        service.save_position(account_id, position).result(5)
    window = open_window(qtbot, service, tmp_path)
    show(qtbot, window, account_id)
    qtbot.waitUntil(lambda: set(rows_by_symbol(window)) == {eth.symbol, btc.symbol})
    rows = rows_by_symbol(window)
    e, b = rows[eth.symbol], rows[btc.symbol]

    # ETH: 150 contracts × 0.1 = 15 ETH; uPnL 15 × 100 = 1,500 on 45,000 ÷ 15 = 3,000.
    assert text(window, e, "Size") == "150 ct"
    assert "= 15 ETH" in text(window, e, "Size", Qt.ItemDataRole.ToolTipRole)
    assert text(window, e, "ROE") == pct(1_500 / 3_000)
    assert text(window, e, "Margin") == "3,000.00"  # its own margin
    assert text(window, e, "Lev.") == f"{15 * 3_100 / 3_000:,.1f}×"  # notional ÷ own margin
    # Break-even long: (P − E)·q = f·P·q → P = E ÷ (1 − f).
    assert text(window, e, "Break-even") == f"{3_000 / (1 - 0.0005):,.1f}"

    # BTC short 0.5 in coin: uPnL −500 on 30,000 ÷ 20 = 1,500.
    assert text(window, b, "Size") == "0.5 BTC"
    assert text(window, b, "ROE") == pct(-500 / 1_500)
    assert colour(window, b, "ROE") == RED and colour(window, b, "Side") == RED
    assert text(window, b, "Margin") == "1,500.00"
    # Cross: its notional ÷ the cross pool's margin balance (wallet + cross uPnL; the
    # isolated ETH holds its own margin).
    assert text(window, b, "Lev.") == f"{0.5 * 61_000 / (wallet - 500):,.1f}×"
    # Break-even short: (E − P)·q = f·P·q → P = E ÷ (1 + f).
    assert text(window, b, "Break-even") == f"{60_000 / (1 + 0.0004):,.1f}"
    # No venue: the unified symbol as typed.
    assert text(window, b, "Symbol") == "BTC/USDT:USDT"


def test_symbols_are_written_the_venues_way() -> None:
    # Market names as each venue's API and web page write them.
    assert venue_symbol("BTC/USDT:USDT", "binanceusdm") == "BTCUSDT"
    assert venue_symbol("BTC/USDT:USDT-250328", "binanceusdm") == "BTCUSDT_250328"
    assert venue_symbol("BTC/USD:BTC", "binancecoinm") == "BTCUSD_PERP"
    assert venue_symbol("BTC/USDT:USDT", "okx") == "BTC-USDT-SWAP"
    assert venue_symbol("BTC/USD:BTC", "okx") == "BTC-USD-SWAP"
    assert venue_symbol("ETH/USDT:USDT", "bybit") == "ETHUSDT"
    assert venue_symbol("ETH/USDC:USDC", "bybit") == "ETHPERP"
    assert venue_symbol("BTC/USDC:USDC", "hyperliquid") == "BTC"
    assert venue_symbol("BTC/USD:USD", "dydx") == "BTC-USD"
    # What it cannot write stays as it is.
    assert venue_symbol("BTC/USDT:USDT", None) == "BTC/USDT:USDT"
    assert venue_symbol("BTCUSDT", "binanceusdm") == "BTCUSDT"
    assert venue_symbol("BTC/USDT:USDT", "kraken") == "BTC/USDT:USDT"


def test_header_shows_available_as_the_venue_defines_it_or_nothing(
    qtbot: Any, window: MainWindow, rig: Rig, service: MonitorService
) -> None:
    # Binance's available: margin balance − initial margin, each cross position's notional at
    # the mark ÷ its leverage (UI_BOOK restated), the balance as the venue reports it.
    typed = {"BTC": (1.5, 10), "ETH": (-40.0, 10), "SOL": (400.0, 5)}
    initial = sum(abs(q) * UI_MARKS[coin] / lev for coin, (q, lev) in typed.items())
    margin_balance = rig.venue.reported(KEY).pool("USDT").margin_balance
    assert window.header.available.text() == f"{margin_balance - initial:,.2f} USDT"
    assert window.header.available.isVisibleTo(window.header)

    # A typed position without a leverage: no initial margin, so no "available" at all.
    account_id = service.create_manual_account("no-leverage", 1_000, "USDT", None).result(5)
    service.save_position(
        account_id,
        Position("BTC/USDT:USDT", Side.LONG, 0.01, 60_000, 60_000, Maintenance.flat(0.005)),
    ).result(5)
    show(qtbot, window, account_id)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == 1)
    assert window.positions_model.account_id == account_id
    assert not window.header.available.isVisibleTo(window.header)


def test_totals_of_the_real_book_stay_under_the_table_whatever_the_sort(
    qtbot: Any, window: MainWindow, service: MonitorService
) -> None:
    # UI_BOOK restated: longs BTC 1.5 and SOL 400, short ETH 40, at UI_MARKS.
    long = 1.5 * UI_MARKS["BTC"] + 400 * UI_MARKS["SOL"]
    short = 40 * UI_MARKS["ETH"]
    pnl = (
        1.5 * (UI_MARKS["BTC"] - 62_500)
        + 400 * (UI_MARKS["SOL"] - 152)
        - 40 * (UI_MARKS["ETH"] - 3_000)
    )
    # One line per currency, each caption before its figure; the loss in red.
    expected = (
        f"Total USDT  long {long:,.2f}  short {short:,.2f}  net +{long - short:,.2f}  "
        f"uPnL {pnl:,.2f}"
    )
    totals = window.totals
    qtbot.waitUntil(lambda: totals.text() == expected)
    assert pnl < 0 and totals.pnl_colour("USDT") == RED
    rows = window.positions_model.rowCount()

    # A what-if is not the record: the totals stay the real book's.
    whatif = Position(
        "BTC/USDT:USDT", Side.LONG, 2, 61_000, 61_000, Maintenance.flat(0.004), hypothetical=True
    )
    service.save_position(selected(window).account_id, whatif).result(5)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == rows + 1)
    assert totals.text() == expected

    # Sorted any way, the totals are no row of the table: under it, in the same place.
    view = window.positions_view
    below = view.mapTo(window, view.rect().bottomLeft()).y()
    for column in range(len(HEADERS)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            view.sortByColumn(column, order)
            assert view.model().rowCount() == rows + 1  # positions only
            assert totals.isVisible() and totals.mapTo(window, totals.rect().topLeft()).y() > below
