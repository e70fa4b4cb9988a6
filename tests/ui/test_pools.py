"""An account with several margin pools, on the real service: every pool in the header (worst
first and large), every position in the table with its pool, the venue's figures beside ours,
the pool a what-if lands in for the what-if panel and the stress curve; unverified venues.

The pools are stored the way a refresh stores them (`replace_pools`) on a manual account, so
the service evaluates and publishes each of them; the expected figures are the engine's, run
by the test on the snapshot's own inputs.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from monitor.domain.model import Account, Collateral, HaircutTier, Maintenance, Position, Side
from monitor.domain.report import AccountHealth, PositionHealth
from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.monitor_service import MonitorService
from monitor.service.snapshot import SourceState, SourceStatus
from monitor.sources.sim.venue import SimVenue
from monitor.store.database import Database
from monitor.ui import formatting as fmt
from monitor.ui.account_header import POOL_COLUMNS
from monitor.ui.accounts_model import HEALTH_COLUMN, VENUE_COLUMN
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import HEADERS, LIQ_COLUMN, POOL_COLUMN
from tests.ui.conftest import Rig, latest, open_window, selected
from tests.ui.engine_truth import health_of

flat = Maintenance.flat
BTC = 91_200.0


def _pool(name: str, wallet: float, *positions: Position, **venue: Any) -> Account:
    return Account("pools", wallet, tuple(positions), collateral=name, **venue)


POOLS = (
    # USDT: far from liquidation; the venue gives its health and maintenance.
    _pool(
        "USDT",
        8_000,
        Position(
            "BTC/USDT:USDT",
            Side.LONG,
            0.5,
            90_000,
            BTC,
            flat(0.004),
            exchange_liquidation_price=75_432.1,
            exchange_maintenance_margin=182.4,
        ),
        Position("SOL/USDT:USDT", Side.SHORT, 100, 150, 148, flat(0.01)),
        exchange_health_ratio=9.87,
        exchange_maintenance_margin=321.0,
    ),
    # USDC: the worst pool (warning), with hedge legs of one symbol.
    _pool(
        "USDC",
        2_000,
        Position("ETH/USDC:USDC", Side.LONG, 10, 3_000, 3_050, flat(0.02)),
        Position("ETH/USDC:USDC", Side.SHORT, 4, 3_100, 3_050, flat(0.02)),
        Position("BTC/USDC:USDC", Side.LONG, 0.3, 92_000, BTC, flat(0.02)),
        exchange_health_ratio=1.91,
        exchange_maintenance_margin=1_234.5,
    ),
    # USD: a multi-asset pool with BTC as collateral, holding the same symbol as the USDT pool;
    # the venue gives no figures for it.
    _pool(
        "USD",
        500,
        Position("BTC/USDT:USDT", Side.LONG, 0.2, 90_500, BTC, flat(0.005)),
        collaterals=(Collateral("BTC", 0.5, BTC, (HaircutTier(0.0, 0.95),)),),
    ),
)
N_POSITIONS = sum(len(p.positions) for p in POOLS)
# A what-if in the USDT pool (its settle currency): not the worst pool.
WHATIF = Position("ETH/USDT:USDT", Side.LONG, 20, 3_050, 3_050, flat(0.01), hypothetical=True)


@pytest.fixture
def pooled(db: Database, make_service: Callable[..., Any]) -> tuple[MonitorService, int]:
    """The service on one manual account holding the three pools above."""
    account_id = db.accounts.add("pools", "manual", collateral="USDT", wallet_balance=0.0)
    db.positions.replace_pools(account_id, POOLS, time.time())
    service, _ = make_service()
    service.start()
    return service, account_id


def _truths(window: MainWindow) -> dict[str, AccountHealth]:
    return {p.pool: health_of(p.account) for p in selected(window).pools}


def _truth_of(report: AccountHealth, symbol: str, side: str) -> PositionHealth:
    (truth,) = [p for p in report.positions if p.symbol == symbol and p.side.value == side]
    return truth


def cell(model: Any, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def test_every_pool_in_the_header_and_every_position_in_the_table_worst_first(
    qtbot: Any, pooled: tuple[MonitorService, int], tmp_path: Path
) -> None:
    service, _ = pooled
    window = open_window(qtbot, service, tmp_path)
    truths = _truths(window)
    names = [p.pool for p in selected(window).pools]
    by_engine = sorted(truths, key=lambda n: truths[n].health_ratio or float("inf"))
    assert names == by_engine == ["USDC", "USDT", "USD"]  # worst first

    # The header: the worst pool large, then every pool compact, in the same order.
    worst = truths["USDC"]
    assert window.header.health_text() == fmt.health(worst.health_ratio)
    assert "USDC" in window.header.band_caption.text()
    col = POOL_COLUMNS.index
    rows = window.header.pool_rows()
    assert [r[col("Pool")] for r in rows] == names
    for r in rows:
        pool, truth = r[col("Pool")], truths[r[col("Pool")]]
        assert r[col("Health")] == fmt.health(truth.health_ratio)
        # Amounts in the pool's own currency, which the row names.
        assert r[col("Margin balance")] == fmt.money(truth.margin_balance, unit=pool)
        assert r[col("Maintenance")] == fmt.money(truth.maintenance_margin, unit=pool)
        assert r[col("Liquidating move")].startswith(
            fmt.percent(-(truth.liquidation_move_down or 0), signed=True)
        )
    usdt, usdc, usd = rows[names.index("USDT")], rows[0], rows[names.index("USD")]
    # The venue's own figures beside ours, per pool; "not given" only where it gave none.
    assert (usdt[col("Exch. health")], usdt[col("Exch. maint.")]) == ("9.87", "321.00")
    assert (usdc[col("Exch. health")], usdc[col("Exch. maint.")]) == ("1.91", "1,234.50")
    assert (usd[col("Exch. health")], usd[col("Exch. maint.")]) == ("not given", "not given")
    assert window.header.exchange.text() == "1.91"  # the large figures: the worst pool's
    assert window.header.exchange_maintenance.text() == "1,234.50 USDC"
    # A multi-asset pool lists its collateral.
    assert usd[col("Collateral")] == "0.5 BTC @ 91,200 × 95 %"
    assert usdc[col("Collateral")] == ""

    # The table: every pool's positions, with a Pool column, the worst pool's rows first.
    model = window.positions_model
    assert model.rowCount() == N_POSITIONS
    assert not window.positions_view.isColumnHidden(POOL_COLUMN)
    assert len(set(model.keys())) == N_POSITIONS  # one row each, same symbol in two pools
    order = [cell(model, i, POOL_COLUMN) for i in range(model.rowCount())]
    assert order == ["USDC"] * 3 + ["USDT"] * 2 + ["USD"]
    side = HEADERS.index("Side")

    def symbol(i: int) -> str:  # the unified symbol (the cell shows the venue's name)
        row = model.position_row(i)
        assert row is not None
        return row.position.symbol

    sides = {cell(model, i, side) for i in range(3) if symbol(i) == "ETH/USDC:USDC"}
    assert sides == {"long", "short"}  # both hedge legs
    for i in range(model.rowCount()):
        truth = _truth_of(truths[order[i]], symbol(i), cell(model, i, side))
        assert cell(model, i, LIQ_COLUMN) == fmt.price(truth.liquidation_price)
    # The venue's liquidation price and maintenance, each beside ours.
    assert HEADERS.index("Exch. liq.") == LIQ_COLUMN + 1
    assert HEADERS.index("Exch. maint.") == HEADERS.index("Maint.") + 1
    (btc,) = [
        i for i in range(model.rowCount()) if symbol(i) == "BTC/USDT:USDT" and order[i] == "USDT"
    ]
    assert cell(model, btc, HEADERS.index("Exch. liq.")) == "75,432.1"
    assert cell(model, btc, HEADERS.index("Exch. maint.")) == "182.40"
    assert cell(model, btc, HEADERS.index("Maint.")) == fmt.money(
        _truth_of(truths["USDT"], "BTC/USDT:USDT", "long").maintenance_margin
    )

    # The account list: the worst pool's health, and how many pools there are.
    badge = cell(window.accounts_model, 0, HEALTH_COLUMN)
    assert badge.startswith(f"{fmt.health(worst.health_ratio)} {worst.status.label}")
    assert "3 pools" in badge


def test_a_failing_account_shows_no_pool_health(
    qtbot: Any, pooled: tuple[MonitorService, int], tmp_path: Path
) -> None:
    """Every pool's health, ours and the venue's, is unknown while the source fails."""
    service, _ = pooled
    window = open_window(qtbot, service, tmp_path)
    window.presenter.timer.stop()  # the header holds the snapshot handed to it below
    snap = selected(window)
    failing = dataclasses.replace(
        snap, status=SourceStatus(SourceState.ERROR, snap.status.last_success, "502 Bad Gateway")
    )
    window.header.show_account(failing, time.time())
    col = POOL_COLUMNS.index
    rows = window.header.pool_rows()
    assert len(rows) == 3
    assert all(r[col("Health")] == fmt.UNKNOWN for r in rows)
    assert window.header.health_text() == fmt.UNKNOWN
    assert window.header.exchange.text() == fmt.UNKNOWN
    assert "502 Bad Gateway" in window.header.note.text()


def test_a_single_pool_account_shows_no_pool_column_or_pool_list(window: MainWindow) -> None:
    assert len(selected(window).pools) == 1
    assert window.positions_view.isColumnHidden(POOL_COLUMN)
    assert window.header.pools_box.isHidden()
    assert window.header.unverified.isHidden()  # Binance USDⓈ-M: verified
    assert "pools" not in cell(window.accounts_model, 0, HEALTH_COLUMN)


def _row_of(window: MainWindow, hypothetical: bool) -> int:
    model = window.positions_model
    for i in range(model.rowCount()):
        row = model.position_row(i)
        if row is not None and row.hypothetical == hypothetical:
            return i
    return -1


def test_a_what_if_shows_the_pool_it_lands_in(
    qtbot: Any, pooled: tuple[MonitorService, int], tmp_path: Path
) -> None:
    service, account_id = pooled
    window = open_window(qtbot, service, tmp_path)
    window.tabs.setCurrentWidget(window.stress_chart)
    stress = window.stress_chart
    # No what-if: the stress curve is the worst pool's, named.
    qtbot.waitUntil(lambda: stress.built and stress.chart().pool == "USDC")
    (usdt,) = [p for p in selected(window).pools if p.pool == "USDT"]
    before, after = health_of(usdt.account), health_of(usdt.account, WHATIF)
    worst = health_of(selected(window).pools[0].account)

    position_id = service.save_position(account_id, WHATIF).result(5)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == N_POSITIONS + 1)
    whatif_row = _row_of(window, hypothetical=True)
    assert cell(window.positions_model, whatif_row, POOL_COLUMN) == "USDT"
    change = f"{fmt.health(before.health_ratio)} → {fmt.health(after.health_ratio)}"
    qtbot.waitUntil(lambda: "USDT pool" in window.whatif.summary.text())
    assert change in window.whatif.summary.text()
    qtbot.waitUntil(lambda: stress.chart().pool == "USDT")  # the what-if's pool
    health_col = POOL_COLUMNS.index("Health")
    usdt_row = next(r for r in window.header.pool_rows() if r[0] == "USDT")
    assert usdt_row[health_col] == change
    # The large figure stays the worst pool's, which the what-if does not touch.
    assert window.header.health_text() == fmt.health(worst.health_ratio)
    assert "what-if" not in window.header.band_caption.text()

    # Off in the what-if panel: its row goes, the stress curve is the worst pool's again.
    item = window.whatif.item_for(position_id)
    assert item is not None and "USDT pool" in item.text()
    item.setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == N_POSITIONS)
    qtbot.waitUntil(lambda: stress.chart().pool == "USDC")
    # On again, then deleted from the table: the row's ref carries the id.
    item = window.whatif.item_for(position_id)
    assert item is not None
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == N_POSITIONS + 1)
    proxy = window.positions_view.model()
    source_row = _row_of(window, hypothetical=True)
    index = proxy.mapFromSource(window.positions_model.index(source_row, 0))  # type: ignore[attr-defined]
    window.positions_view.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert window.selected_position_id() == (position_id, True)
    window.delete_selected_position()
    qtbot.waitUntil(lambda: window.positions_model.rowCount() == N_POSITIONS)
    assert window.whatif.item_for(position_id) is None


def test_an_unverified_venue_is_labelled(
    qtbot: Any, window: MainWindow, rig: Rig, venue: SimVenue
) -> None:
    assert window.header.unverified.isHidden()
    # A Bitget account (the app has not verified its reading of Bitget's rules), pointed at
    # the loopback venue, which does not speak Bitget: it fails, and is unverified all along.
    settings = ExchangeSettings("bitget", api_url=venue.url)
    bitget_id = rig.service.add_exchange_account("bitget-main", settings, Credentials()).result(5)
    qtbot.waitUntil(lambda: window.accounts_model.rowCount() == 2)
    assert not next(a for a in latest(window).accounts if a.account_id == bitget_id).verified
    venue_cells = {cell(window.accounts_model, i, VENUE_COLUMN) for i in range(2)}
    assert venue_cells == {"simulated binanceusdm", "bitget · unverified"}  # the demo: simulated
    window.presenter.select(bitget_id)
    qtbot.waitUntil(lambda: not window.header.unverified.isHidden())
    assert "unverified" in window.header.unverified.text()
    window.presenter.select(rig.demo_id)
    qtbot.waitUntil(lambda: window.header.unverified.isHidden())
