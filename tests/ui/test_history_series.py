"""The health history chart draws the selected account's series, and only it: another
account's series (recorded from the same snapshots, at the very same times) is drawn as soon
as that account is selected. A series that grows tick by tick is drawn as the same series
given whole; only its new points are taken in (so a tick costs the same with a day behind it),
and one that changed before its end is drawn anew; a tick's new points are ranged as the
whole series is."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QGraphicsItem

from monitor.domain import Thresholds
from monitor.domain.model import Maintenance, Position, Side
from monitor.service.monitor_service import MonitorService
from monitor.service.recompute import build_snapshot
from monitor.service.snapshot import Snapshot, SourceState, SourceStatus
from monitor.store.database import open_database
from monitor.ui.app import MainWindow
from monitor.ui.charts import curve_segments
from monitor.ui.charts.base import health_extent
from tests.ui.test_chart_drawing import NOW, shown_history_chart


def _snapshots(tmp_path: Path, count: int) -> list[Snapshot]:
    """Two accounts holding the same position, one with twice the other's size: their
    health differs at every snapshot, their times are the same."""
    db = open_database(f"sqlite:///{tmp_path / 'books.sqlite'}")
    try:
        now = time.time()
        for name, size in (("small", 1.0), ("large", 2.0)):
            account_id = db.accounts.add(name, "simulated", venue="simulated", collateral="USDT")
            position = Position(
                "BTC/USDT:USDT", Side.LONG, size, 60_000.0, 60_000.0, Maintenance.flat(0.005),
                exchange_liquidation_price=None,
            )  # fmt: skip
            db.positions.replace_live(account_id, 20_000.0, [position], now)
        stored = [(r, db.positions.list(r.account_id)) for r in db.accounts.list()]
    finally:
        db.close()
    snapshots = []
    for i in range(count):
        at = now + 2.0 * i
        marks = {"BTC/USDT:USDT": 60_000.0 * (1 - 0.01 * i)}
        accounts = tuple(
            build_snapshot(record, positions, SourceStatus(SourceState.OK, at), marks, 2.0)
            for record, positions in stored
        )
        snapshots.append(Snapshot(taken_at=at, accounts=accounts))
    return snapshots


def test_another_account_s_history_is_drawn_as_soon_as_it_is_selected(
    qtbot: Any, tmp_path: Path, idle_service: MonitorService
) -> None:
    window = MainWindow(idle_service, settings_path=tmp_path / "w.ini")
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.tabs.setCurrentWidget(window.history_chart)
    presenter = window.presenter
    presenter.timer.stop()  # nothing drawn but what the test asks for
    snapshots = _snapshots(tmp_path, 6)
    for snap in snapshots:
        presenter.on_snapshot(snap)
        presenter.render()
        QApplication.processEvents()
    chart = window.history_chart.chart()
    small, large = (a.account_id for a in snapshots[-1].accounts)
    healths = {
        a.account_id: [s.accounts[n].baseline.health_ratio for s in snapshots]
        for n, a in enumerate(snapshots[-1].accounts)
    }
    assert healths[small] != pytest.approx(healths[large])  # two different series
    for account in (small, large, small):
        presenter.select(account)  # no new snapshot: the one shown, another account's series
        _, y = chart.curve.getData()
        assert 10**y == pytest.approx(healths[account], rel=1e-9), account


def _series(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A point every 7 s, tens of points a pixel after a few thousand, with gaps."""
    t = NOW + 7.0 * np.arange(n, dtype=np.float64)
    h = 1.6 + 0.3 * np.sin(np.arange(n) / 97) + 0.05 * np.sin(np.arange(n) * 1.3)
    h[3_000:3_300] = np.nan  # unknown for a while
    h[5_001] = np.nan  # and for a moment
    return t, h


def test_a_series_grown_tick_by_tick_is_drawn_as_the_same_series_given_whole(
    qtbot: Any,
) -> None:
    grown = shown_history_chart(qtbot)
    whole = shown_history_chart(qtbot)
    whole._stop_following()  # put on the grown chart's time range below
    t, h = _series(6_000)
    grown.show_series(t[:4_000], h[:4_000], Thresholds(), "account")
    checked = 0
    for n in range(4_001, 6_000, 37):
        if n == 5_777:  # the trader zooms in from the start: groups half as large
            grown._stop_following()
            (x0, x1), _ = grown.getPlotItem().getViewBox().viewRange()
            grown.getPlotItem().setXRange(x0, (x0 + x1) / 2, padding=0)
        grown.show_series(t[:n], h[:n], Thresholds(), "account")  # only the new points taken
        QApplication.processEvents()
        (x0, x1), _ = grown.getPlotItem().getViewBox().viewRange()
        whole.getPlotItem().setXRange(x0, x1, padding=0)
        whole.curve.set_series(np.empty(0), np.empty(0))  # forgotten: the next is taken whole
        whole.curve.set_series(t[:n], h[:n])
        gx, gy = grown.curve.getData()
        wx, wy = whole.curve.getData()
        np.testing.assert_array_equal(gx, wx)
        np.testing.assert_array_equal(gy, wy)
        checked += 1
    assert gx.size < 6_000 / 2  # downsampled: groups made tick by tick
    assert checked > 50


def test_a_short_series_grown_tick_by_tick_appends_the_new_points_segments(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not downsampled (a few hundred points across the chart): at a tick only the new
    points' segments are made, never the whole series' again, and the curve drawn is the
    same series given whole, segment for segment and pixel for pixel (gaps included)."""
    grown = shown_history_chart(qtbot)
    whole = shown_history_chart(qtbot)
    n_all = 300
    t = NOW + 7.0 * np.arange(n_all, dtype=np.float64)
    h = 1.6 + 0.3 * np.sin(np.arange(n_all) / 13)
    h[:2] = (1.0, 2.5)  # the extremes first: the health axis stays as it is once shown
    h[100:110] = np.nan  # unknown for a while
    h[200] = np.nan  # and for a moment
    for chart in (grown, whole):
        chart._stop_following()
        chart.getPlotItem().setXRange(NOW - 10.0, NOW + 7.0 * n_all, padding=0)
    grown.show_series(t[:50], h[:50], Thresholds(), "account")
    QApplication.processEvents()
    made = []
    real = curve_segments.arrayToLineSegments
    monkeypatch.setattr(
        curve_segments, "arrayToLineSegments", lambda *a, **k: made.append(1) or real(*a, **k)
    )
    for n in range(51, n_all + 1):
        grown.show_series(t[:n], h[:n], Thresholds(), "account")  # a tick: one point more
    assert made == []  # every tick appended its point's segment
    QApplication.processEvents()
    monkeypatch.setattr(curve_segments, "arrayToLineSegments", real)
    whole.show_series(t, h, Thresholds(), "account")
    QApplication.processEvents()
    for got, want in zip(grown.curve.getData(), whole.curve.getData(), strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(grown.curve._segments.ndarray(), whole.curve._segments.ndarray())
    assert len(grown.curve._segments) == n_all - 1 - 2 * 1 - 11  # the gaps' segments left out
    assert grown.screen().grabWindow(grown.winId()).toImage() == whole.grab().toImage()


def test_a_series_changed_before_its_end_is_drawn_anew(qtbot: Any) -> None:
    chart = shown_history_chart(qtbot)
    t, h = _series(6_000)
    chart.show_series(t[:100], h[:100], Thresholds(), "account")
    changed = h[:101].copy()
    changed[99] = 40.0  # the last point drawn is not what it was
    chart.show_series(t[:101], changed, Thresholds(), "account")
    _, y = chart.curve.getData()
    assert np.nanmax(10**y) == pytest.approx(40.0)
    # And one whose first point moved (a stored past put before it): drawn anew too.
    chart.show_series(t[50:120], h[50:120], Thresholds(), "account")
    x, _ = chart.curve.getData()
    assert x[0] == t[50]


def test_its_axes_kept_as_drawn_paint_what_they_draw(qtbot: Any) -> None:
    """The axes are kept as drawn between ticks (a pixmap each): what is on screen after
    ticks, the time axis moving on among them, is what the axes drawn anew paint."""
    chart = shown_history_chart(qtbot)
    axes = chart._grid_axes
    assert all(a.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for a in axes)
    view = chart.getPlotItem().getViewBox()
    t, h = _series(6_000)
    moved = compared = 0
    for n in range(300, 400, 3):
        ranges = view.viewRange()
        chart.show_series(t[:n], h[:n], Thresholds(), "account")
        qtbot.waitUntil(lambda: chart.curve.getData()[0].size > 0)
        QApplication.processEvents()
        moved += view.viewRange() != ranges
        on_screen = chart.screen().grabWindow(chart.winId()).toImage()
        for axis in axes:
            axis.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        drawn_anew = chart.grab().toImage()
        for axis in axes:
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        assert on_screen.convertToFormat(drawn_anew.format()) == drawn_anew, n
        compared += 1
    assert moved >= 2 and compared > 30


def test_a_short_series_selected_after_a_long_one_fills_the_chart_at_once(qtbot: Any) -> None:
    chart = shown_history_chart(qtbot)
    view = chart.getPlotItem().getViewBox()
    day = NOW + np.arange(0.0, 86_400.0, 60.0)
    chart.show_series(day, np.full(day.size, 3.0), Thresholds(), "a day behind it")
    QApplication.processEvents()
    minute = day[-1] - 60.0 + np.arange(0.0, 61.0, 2.0)
    chart.show_series(minute, np.full(minute.size, 3.0), Thresholds(), "a minute behind it")
    (x0, x1), _ = view.viewRange()
    assert x0 <= minute[0] and minute[-1] <= x1  # all of it in view
    assert x1 - x0 < 300.0  # and the chart's width for it (it took 14,520 s before)


def test_the_health_extent_of_a_tick_s_few_values_is_that_of_the_array() -> None:
    """A tick's few new values are ranged as floats, a series' as an array: the same extent,
    unknown (NaN), infinite, zero and negative healths left out either way."""
    rng = np.random.default_rng(11)
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -1.0, 1e-300, 1e300])
    for _ in range(2_000):
        size = int(rng.integers(0, 9))
        values = np.where(
            rng.random(size) < 0.3, rng.choice(specials, size), rng.lognormal(0, 2, size)
        )
        finite = values[np.isfinite(values) & (values > 0)]
        want = (float(finite.min()), float(finite.max())) if finite.size else None
        assert health_extent(values) == want, values
