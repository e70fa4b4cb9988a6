"""Redraw cost (issue 11): stress curves worked out off the GUI thread, grids drawn opaque, plot
items left alone when their data did not change."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPainter, QPen, QPicture

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.domain.whatif import stress_curve
from monitor.service.snapshot import (
    AccountSnapshot,
    PoolSnapshot,
    PositionRef,
    SourceState,
    SourceStatus,
)
from monitor.ui import redraw_stress
from monitor.ui.charts import LadderChart, StressChart
from monitor.ui.redraw_stress import StressWorker
from monitor.ui.rows import position_rows
from monitor.ui.stress import STRESS_MOVES


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


def test_plot_items_are_set_only_when_their_data_changed(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ladder = LadderChart()
    qtbot.addWidget(ladder)
    calls: list[str] = []
    for name in ("marks", "liqs", "bars", "before", "exchange"):
        item = getattr(ladder, name)
        monkeypatch.setattr(item, "setData", _counted(calls, name, item))
    ladder.show_rows(position_rows(_snapshot()))
    assert sorted(calls) == ["bars", "before", "exchange", "liqs", "marks"]
    calls.clear()
    ladder.show_rows(position_rows(_snapshot()))  # an equal book: nothing to set
    assert calls == []
    ladder.show_rows(position_rows(_snapshot((61_000.0, 3_000.0))))  # the marks moved
    assert sorted(calls) == ["bars", "liqs"]  # marks sit at 0 %; no exchange or what-if rows


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
