"""Redraw cost (issue 11): stress curves worked out off the GUI thread (and only once a render
is painted), grids drawn opaque, plot items left alone when their data did not change, labels
that tick without re-laying out the window."""

from __future__ import annotations

import dataclasses
import math
import threading
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPainter, QPen, QPicture
from PySide6.QtWidgets import QApplication, QGraphicsItem

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.domain.whatif import stress_curve
from monitor.service.snapshot import (
    AccountSnapshot,
    PoolSnapshot,
    PositionRef,
    Snapshot,
    SourceState,
    SourceStatus,
)
from monitor.ui import redraw_stress
from monitor.ui.account_header import AccountHeader
from monitor.ui.accounts_model import AccountsModel
from monitor.ui.chart_slot import ChartSlot
from monitor.ui.charts import HealthHistoryChart, LadderChart, StressChart
from monitor.ui.positions_model import PositionsModel
from monitor.ui.presenter import SnapshotPresenter, Views
from monitor.ui.redraw_stress import StressWorker
from monitor.ui.rows import position_rows
from monitor.ui.stress import STRESS_MOVES
from monitor.ui.whatif_panel import WhatIfPanel
from tests.ui.event_counter import EventCounter


def _position(symbol: str, side: Side, mark: float, *, hypothetical: bool = False) -> Position:
    return Position(
        symbol, side, 1.0, mark, mark, Maintenance.flat(0.005), hypothetical=hypothetical
    )


def _snapshot(
    marks: tuple[float, float] = (60_000.0, 3_000.0), whatif: bool = False
) -> AccountSnapshot:
    positions = [
        _position("BTC/USDT:USDT", Side.LONG, marks[0]),
        _position("ETH/USDT:USDT", Side.SHORT, marks[1]),
    ]
    refs = [PositionRef(1, "manual"), PositionRef(2, "manual")]
    if whatif:
        positions.append(_position("SOL/USDT:USDT", Side.LONG, 150.0, hypothetical=True))
        refs.append(PositionRef(3, "hypothetical"))
    account = Account("lev", 9_000.0, tuple(positions), collateral="USDT")
    real = Account("lev", 9_000.0, tuple(positions[:2]), collateral="USDT")
    (health,) = evaluate_accounts([account])
    (baseline,) = evaluate_accounts([real])
    pool = PoolSnapshot("USDT", account, tuple(refs), health, baseline)
    return AccountSnapshot(
        account_id=1,
        name="lev",
        kind="manual",
        venue=None,
        thresholds=Thresholds(),
        pools=(pool,),
        status=SourceStatus(SourceState.MANUAL, 0.0),
    )


def test_stress_curves_are_the_domains_and_worked_out_off_the_gui_thread(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    compute = redraw_stress.stress_curves

    def spy(account: AccountSnapshot) -> redraw_stress.StressCurves:
        threads.append(threading.current_thread())
        return compute(account)

    monkeypatch.setattr(redraw_stress, "stress_curves", spy)
    worker = StressWorker()
    snap = _snapshot(whatif=True)
    with qtbot.waitSignal(worker.landed, timeout=5000):
        worker.request(snap)
    worker.request(snap)  # done already: not worked out again
    assert threads and threads[0] is not threading.main_thread() and len(threads) == 1
    curves = worker.newest(snap.account_id)
    assert curves is not None and curves.source is snap
    pool = snap.pools[0]
    np.testing.assert_array_equal(curves.after, stress_curve(pool.account, STRESS_MOVES))
    assert curves.before is not None  # the what-if's pool: also drawn without it
    real = Account("lev", 9_000.0, pool.account.positions[:2], collateral="USDT")
    np.testing.assert_array_equal(curves.before, stress_curve(real, STRESS_MOVES))
    assert curves.health_now == pool.health.health_ratio
    assert curves.crossings == (pool.health.liquidation_move_down, pool.health.liquidation_move_up)
    assert curves.pool == ""  # named only when the account has several pools
    worker.close()


def test_only_the_newest_stress_request_is_kept(qtbot: Any) -> None:
    worker = StressWorker()
    first, second = _snapshot(), _snapshot((60_500.0, 3_010.0))
    with qtbot.waitSignal(worker.landed, timeout=5000):
        worker.request(first)
        worker.request(second)
    qtbot.waitUntil(lambda: (c := worker.newest(1)) is not None and c.source is second)
    worker.close()


def test_grid_lines_are_opaque_and_blended_over_the_background(qtbot: Any) -> None:
    chart = StressChart()
    qtbot.addWidget(chart)
    chart.setBackground("#15191e")
    chart.resize(800, 400)
    with qtbot.waitExposed(chart):
        chart.show()
    axis = chart.getPlotItem().getAxis("left")
    grey = QColor(150, 150, 150, 38)  # pyqtgraph's grid: the axis pen at 15 % alpha
    blended = axis._opaque(QPen(grey)).color()
    a = 38 / 255
    expected = [round(150 * a + bg * (1 - a)) for bg in (0x15, 0x19, 0x1E)]
    assert blended.alpha() == 255
    assert [blended.red(), blended.green(), blended.blue()] == expected
    picture = QPicture()
    painter = QPainter(picture)
    _, ticks, _ = axis.generateDrawSpecs(painter)
    painter.end()
    assert ticks and all(pen.color().alpha() == 255 for pen, _, _ in ticks)
    chart.setBackground("#ffffff")  # the light theme: blended again, over white
    light = axis._opaque(QPen(grey)).color()
    assert [light.red(), light.green(), light.blue()] == [round(150 * a + 255 * (1 - a))] * 3


def _counted(calls: list[str], name: str, item: Any) -> Any:
    """The item's setData, noting each call (by `name`) in `calls`."""
    real = item.setData

    def set_data(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return real(*args, **kwargs)

    return set_data


def test_the_ladder_is_redrawn_only_when_its_rows_changed(qtbot: Any) -> None:
    ladder = LadderChart()
    qtbot.addWidget(ladder)
    rows = ladder.rows
    ladder.show_rows(position_rows(_snapshot()))
    assert rows.drawn == 1
    np.testing.assert_array_equal(rows.x["marks"], [0.0, 0.0])  # every mark at 0 %
    assert np.isfinite(rows.x["liqs"]).all() and np.isnan(rows.x["exchange"]).all()
    ladder.show_rows(position_rows(_snapshot()))  # an equal book: nothing to redraw
    assert rows.drawn == 1
    ladder.show_rows(position_rows(_snapshot((61_000.0, 3_000.0))))  # the marks moved
    assert rows.drawn == 2
    # The legend names the markers the rows item draws; its entries are not plotted.
    assert all(entry.scene() is None for entry in ladder.markers.values())
    assert [label.text for _, label in ladder.legend.items] == [
        "mark", "liquidation", "liquidation without what-ifs", "exchange's liq."
    ]  # fmt: skip


def test_the_ladder_legend_is_blitted_at_each_repaint_and_looks_the_same(qtbot: Any) -> None:
    """Every marks tick repaints the ladder's rows, and the legend over them with them: its
    texts (an item each, a text document laid out at every paint) are drawn from a device
    cache, as its samples and boxes are, with the same pixels as drawn anew."""
    ladder = LadderChart()
    qtbot.addWidget(ladder)
    ladder.resize(700, 300)
    with qtbot.waitExposed(ladder):
        ladder.show()
    ladder.show_rows(position_rows(_snapshot()))
    parts = [part for sample, label in ladder.legend.items for part in (sample, label, label.item)]
    cached = QGraphicsItem.CacheMode.DeviceCoordinateCache
    assert [part.cacheMode() for part in parts] == [cached] * len(parts)
    blitted = ladder.grab().toImage()
    for part in parts:
        part.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    assert ladder.grab().toImage() == blitted  # drawn anew: not a pixel differs


def test_the_now_dot_moves_without_re_plotting(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    chart = StressChart()
    qtbot.addWidget(chart)
    nothing = np.full(len(STRESS_MOVES), np.nan)
    plotted: list[str] = []
    monkeypatch.setattr(chart.current, "setData", _counted(plotted, "now", chart.current))
    for health in (2.0, 3.0, 4.0):
        chart.show_curves(STRESS_MOVES, nothing, None, health, (None, None), Thresholds())
        assert chart.current.pos().y() == pytest.approx(np.log10(health))
    assert len(plotted) == 1  # placed once, then moved
    chart.show_curves(STRESS_MOVES, nothing, None, None, (None, None), Thresholds())
    assert chart.current.xData is None  # unknown: no dot


def test_stress_curves_are_asked_for_once_the_render_is_drawn(qtbot: Any) -> None:
    stress = ChartSlot(StressChart)
    qtbot.addWidget(stress)
    stress.chart()
    stress.resize(800, 400)
    with qtbot.waitExposed(stress):
        stress.show()
    views = Views(
        accounts=AccountsModel(),
        positions=PositionsModel(),
        header=AccountHeader(),
        whatif=WhatIfPanel(),
        history=ChartSlot(HealthHistoryChart),
        stress=stress,
        ladder=ChartSlot(LadderChart),
        status=lambda text: None,
    )
    presenter = SnapshotPresenter(views)
    presenter.timer.stop()
    asked: list[AccountSnapshot] = []
    request = presenter.stress.request
    presenter.stress.request = lambda account: (asked.append(account), request(account))  # type: ignore[method-assign]
    snap = Snapshot(taken_at=0.0, accounts=(_snapshot(),))
    presenter.on_snapshot(snap)
    presenter.render()
    # Not while the render is drawn (the worker's Python would share the interpreter with
    # the paint): after it, from the event queue.
    assert asked == []
    # Asked for after it; once the curves land the presenter may ask again (a no-op for the
    # worker, which has them): every ask is for the account shown.
    qtbot.waitUntil(lambda: bool(asked))
    assert all(a is snap.accounts[0] for a in asked)
    # The curves land and are drawn (the render drew the chart empty, the account's).
    chart = stress.chart()
    qtbot.waitUntil(lambda: chart.after.yData is not None and np.isfinite(chart.after.yData).any())
    presenter.stress.close()


def test_a_ticking_figure_re_lays_out_the_header_only_when_it_needs_more_room(qtbot: Any) -> None:
    header = AccountHeader()
    qtbot.addWidget(header)
    header.resize(900, 200)
    with qtbot.waitExposed(header):
        header.show()
    figure = header.margin_balance
    figure.setText("1,234.56 USDT")
    for _ in range(5):  # the header laid out for it (a request may post the next one)
        QApplication.processEvents()
    requests = EventCounter(QEvent.Type.LayoutRequest)
    header.installEventFilter(requests)
    figure.setText("9,876.54 USDT")  # as wide: the label's box takes it alone
    for _ in range(5):
        QApplication.processEvents()
    assert requests.count == 0 and figure.text() == "9,876.54 USDT"
    figure.setText("123,456,789.01 USDT")  # wider: the header lays it out
    qtbot.waitUntil(lambda: requests.count > 0)
    qtbot.waitUntil(lambda: figure.width() >= figure.sizeHint().width())


def test_a_tick_sets_no_tooltip_it_already_shows(qtbot: Any) -> None:
    """Setting a tooltip sends its widget an event even when it is the same: the header sets
    the title's, the note's and the venue ratio's only when they change."""
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(), 1.0)
    counters = []
    for label in (header.title, header.note, header.venue_ratio):
        counter = EventCounter(QEvent.Type.ToolTipChange)
        label.installEventFilter(counter)
        counters.append(counter)
    header.show_account(_snapshot(marks=(60_100.0, 2_990.0)), 2.0)  # a tick: figures move
    assert [c.count for c in counters] == [0, 0, 0]
    renamed = dataclasses.replace(_snapshot(), name="renamed")
    header.show_account(renamed, 3.0)
    assert counters[0].count == 1 and header.title.toolTip() == header.title.text()
    assert "renamed" in header.title.toolTip()


def test_a_ladder_point_moving_past_the_view_edge_is_not_redrawn(qtbot: Any) -> None:
    """A liquidation far past the view's edge (a 1x position's) moves with every tick, out of
    sight: its row is redrawn only when the move shows."""
    ladder = LadderChart()
    qtbot.addWidget(ladder)
    ladder.resize(700, 300)
    with qtbot.waitExposed(ladder):
        ladder.show()
    item = ladder.getPlotItem()
    item.setXRange(-10, 10, padding=0)
    rows = ladder.rows
    y = np.array([1.0, 0.0])

    def at(liq: float, mark: float = 0.0) -> dict[str, Any]:
        nan = np.array([math.nan, math.nan])
        return {"marks": np.array([mark, 0.0]), "liqs": np.array([liq, -5.0]),
                "before": nan, "exchange": nan}  # fmt: skip

    assert rows.set_rows(y, at(400.0))
    drawn = rows.drawn
    assert not rows.set_rows(y, at(520.0))  # far past the right edge, and still
    assert rows.set_rows(y, at(-300.0))  # past the other edge: it crossed the view
    assert rows.set_rows(y, at(9.0))  # into the view
    assert rows.set_rows(y, at(10.2))  # past the edge, its marker partly in sight
    assert rows.drawn == drawn + 3
