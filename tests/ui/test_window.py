"""The window on the demo account: header, table and badges agree with the engine.

Driven by the real service on the simulated venue: prices move on the venue, a failing
account is the venue answering 502, a stale one is the venue hanging.
"""

from __future__ import annotations

import math
import time
from typing import Any

from monitor.service.monitor_service import MonitorService
from monitor.service.snapshot import SourceState
from monitor.sources.sim.venue import SimVenue
from monitor.ui import formatting as fmt
from monitor.ui.accounts_model import HEALTH_COLUMN
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import HEADERS, LIQ_COLUMN
from tests.ui.conftest import KEY, UI_MARKS, Rig, book, latest, open_window, selected
from tests.ui.engine_truth import health_of, real_account


def cell(model: Any, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def test_window_opens_on_the_demo_and_shows_the_engines_health(
    window: MainWindow, venue: SimVenue
) -> None:
    snap = selected(window)
    assert snap.name == "demo"
    expected = health_of(real_account(snap))  # engine, on the snapshot's own inputs
    assert expected.health_ratio is not None
    assert window.header.health_text() == fmt.health(expected.health_ratio)
    assert window.positions_model.rowCount() == len(venue.book(KEY).positions)
    for row in range(window.positions_model.rowCount()):
        shown = window.positions_model.position_row(row)
        assert shown is not None
        symbol = shown.position.symbol
        (truth,) = [p for p in expected.positions if p.symbol == symbol]
        assert cell(window.positions_model, row, LIQ_COLUMN) == fmt.price(truth.liquidation_price)
        distance = cell(window.positions_model, row, HEADERS.index("Distance"))
        assert distance == fmt.percent(truth.distance_to_liquidation)
    badge = cell(window.accounts_model, 0, HEALTH_COLUMN)
    assert badge.startswith(fmt.health(expected.health_ratio))
    assert expected.status.label in badge


def test_a_failing_account_never_shows_a_health_figure(
    qtbot: Any, window: MainWindow, venue: SimVenue
) -> None:
    venue.faults.set("server_error", 502, api_key=KEY)  # the venue answers 502 Bad Gateway
    qtbot.waitUntil(lambda: selected(window).status.state is SourceState.ERROR)
    qtbot.waitUntil(lambda: "error" in cell(window.accounts_model, 0, HEALTH_COLUMN))
    error = selected(window).status.last_error or ""
    assert "502 Bad Gateway" in error  # what ccxt reported of the venue's answer
    assert window.header.health_text() == fmt.UNKNOWN
    # In words in the note (test_failure_words.py), the library's text in its tooltip.
    assert "answered HTTP 502" in window.header.note.text()
    assert "502 Bad Gateway" in window.header.note.toolTip()
    tooltip = window.accounts_model.index(0, 3).data(3)  # ToolTipRole
    assert "502 Bad Gateway" in tooltip
    # No row is tinted as safe or unsafe: figures from a failing source are greyed.
    assert window.positions_model.row(0).foreground == fmt.STALE_COLOUR


def test_a_stale_account_is_greyed_with_its_age(
    qtbot: Any, window: MainWindow, venue: SimVenue
) -> None:
    venue.faults.set("hang", api_key=KEY)  # the venue stops answering: stale after 1 s
    qtbot.waitUntil(lambda: "stale" in cell(window.accounts_model, 0, 3), timeout=5000)
    before = time.time() - (selected(window).status.last_success or 0)
    data = cell(window.accounts_model, 0, 3)
    after = time.time() - (selected(window).status.last_success or 0)
    age = int(data.split("·")[1].split()[0])
    # The age of the last good data (the cell is redrawn every 250 ms, rounded to seconds).
    assert before - 1 <= age <= after + 1
    assert age >= 1  # the fast rules' stale window
    assert cell(window.accounts_model, 0, HEALTH_COLUMN) == "stale"
    assert window.accounts_model.row(0).italic
    assert "last known" in window.header.band_caption.text()


def test_an_unknown_health_is_a_dash_not_zero(
    qtbot: Any, service: MonitorService, tmp_path: Any
) -> None:
    service.create_manual_account("empty", 1000, "USDT", None).result(5)
    window = open_window(qtbot, service, tmp_path)
    qtbot.waitUntil(lambda: window.accounts_model.rowCount() == 2)
    empty_id = next(a.account_id for a in latest(window).accounts if a.name == "empty")
    window.presenter.select(empty_id)
    # No positions: no maintenance requirement, so health is undefined, shown as "—".
    report = selected(window).health
    assert report is not None
    assert report.health_ratio is None
    assert window.header.health_text() == fmt.UNKNOWN
    assert window.positions_model.rowCount() == 0


def test_ticks_update_rows_in_place_and_keep_the_selection(
    qtbot: Any, window: MainWindow, rig: Rig
) -> None:
    window.positions_view.selectRow(1)
    chosen = window.positions_view.currentIndex().data()
    resets: list[int] = []
    touched: list[tuple[int, int]] = []  # cells the model reported changed since the redraw
    per_redraw: list[list[tuple[int, int]]] = []  # ... for each redraw (one per poll)

    def changed(first: Any, last: Any, roles: Any) -> None:
        touched.extend(
            (row, col)
            for row in range(first.row(), last.row() + 1)
            for col in range(first.column(), last.column() + 1)
        )

    def redrawn() -> None:
        per_redraw.append(list(touched))
        touched.clear()

    window.positions_model.modelReset.connect(lambda: resets.append(1))
    window.positions_model.dataChanged.connect(changed)
    window.presenter.rendered.connect(redrawn)
    before = cell(window.positions_model, 0, HEADERS.index("Mark"))
    rig.move_price("BTC/USDT:USDT", 1.01)  # on the venue; the next poll brings it
    qtbot.waitUntil(lambda: cell(window.positions_model, 0, HEADERS.index("Mark")) != before)
    assert resets == []
    assert any(per_redraw)
    assert all(len(set(cells)) == len(cells) for cells in per_redraw)  # each cell once
    # Only what changed is announced: the moved mark, not the symbol, side or size (the
    # entry, between the figures that move, is in their rectangle: cell_changes.py).
    columns = {col for cells in per_redraw for _, col in cells}
    assert HEADERS.index("Mark") in columns
    assert not columns & {HEADERS.index(h) for h in ("Symbol", "Side", "Size")}
    assert window.positions_view.currentIndex().data() == chosen
    assert math.isclose(
        book(selected(window)).positions[0].mark_price, UI_MARKS["BTC"] * 1.01, rel_tol=1e-12
    )
