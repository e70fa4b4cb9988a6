"""A refresh re-lays out nothing above what changed (issue 11, UI-thread time per redraw).

A tick changes figures, not their room: every figure keeps its width when only its digits
change (the default font's digits are all one width). A widget's new text re-lays out each
layout above it, up to the window's, unless something stops it: the window itself must not be
asked to lay out again on such a tick (a few tenths of a millisecond, and the repaint of what
it moves).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.service.snapshot import (
    AccountSnapshot,
    PoolSnapshot,
    PositionRef,
    Snapshot,
    SourceState,
    SourceStatus,
)
from monitor.ui.app import MainWindow
from tests.ui.event_counter import EventCounter

# A cross book on 10,000 USDT: long 1 BTC at 60,000, short 5 ETH at 3,000.
ENTRIES = (60_000.0, 3_000.0)


def _account(marks: tuple[float, float], now: float) -> AccountSnapshot:
    positions = (
        Position("BTC/USDT:USDT", Side.LONG, 1.0, ENTRIES[0], marks[0], Maintenance.flat(0.005)),
        Position("ETH/USDT:USDT", Side.SHORT, 5.0, ENTRIES[1], marks[1], Maintenance.flat(0.005)),
    )
    account = Account("lev", 10_000.0, positions, collateral="USDT")
    (health,) = evaluate_accounts([account])
    pool = PoolSnapshot(
        "USDT", account, (PositionRef(1, "manual"), PositionRef(2, "manual")), health, health
    )
    status = SourceStatus(SourceState.MANUAL, now)
    return AccountSnapshot(1, "lev", "manual", None, Thresholds(), (pool,), status)


def _snapshot(marks: tuple[float, float], now: float) -> Snapshot:
    return Snapshot(taken_at=now, accounts=(_account(marks, now),))


def _show(window: MainWindow, snap: Snapshot) -> None:
    """Render `snap`, then the layouts and paints it caused, until there are none left: a
    layout asks the one above it (a splitter, then the window) a round of events later."""
    window.presenter.on_snapshot(snap)
    window.presenter.render()
    requests = EventCounter(QEvent.Type.LayoutRequest)
    app = QApplication.instance()
    app.installEventFilter(requests)  # any widget's
    for _ in range(50):
        before = requests.count
        QApplication.processEvents()
        if requests.count == before:
            break
    app.removeEventFilter(requests)
    assert requests.count == before  # settled


def test_a_tick_that_moves_figures_does_not_re_lay_out_the_window(idle_window: MainWindow) -> None:
    window = idle_window
    now = 1_000.0
    _show(window, _snapshot((60_100.0, 3_010.0), now))  # laid out for this account, once
    _show(window, _snapshot((60_200.0, 3_020.0), now))
    requests = EventCounter(QEvent.Type.LayoutRequest)
    window.installEventFilter(requests)
    # Marks up 100 and 10 more: uPnL 100.00 → 150.00, margin balance 10,100.00 → 10,150.00,
    # notionals 60,200.00 → 60,300.00 and 15,100.00 → 15,150.00: the same widths.
    _show(window, _snapshot((60_300.0, 3_030.0), now))
    window.removeEventFilter(requests)
    # The tick was drawn: the totals and the header show its figures ...
    upnl = 300.0 - 5 * 30.0
    assert f"uPnL {upnl:,.2f}" in window.totals.text()
    assert window.header.margin_balance.text() == f"{10_000 + upnl:,.2f} USDT"
    # ... and the window was not asked to lay itself out for it.
    assert requests.count == 0


def test_a_tick_that_moves_figures_re_lays_out_no_layout_at_all(idle_window: MainWindow) -> None:
    window = idle_window
    """Not even the badge's: its move and health figures tick in boxes of their own (a
    layout laid out anew re-measures and re-places each of its widgets)."""
    now = 1_000.0
    _show(window, _snapshot((60_100.0, 3_010.0), now))
    _show(window, _snapshot((60_200.0, 3_020.0), now))
    badge = (window.header.move_text(), window.header.health_text())
    requests = EventCounter(QEvent.Type.LayoutRequest)
    app = QApplication.instance()
    app.installEventFilter(requests)  # any widget's
    _show(window, _snapshot((60_300.0, 3_030.0), now))
    app.removeEventFilter(requests)
    # The badge's figures moved (the same widths: digits only) ...
    moved = (window.header.move_text(), window.header.health_text())
    assert moved[0] != badge[0] and moved[1] != badge[1]
    assert [len(text) for text in moved] == [len(text) for text in badge]
    # ... and no layout was asked to lay itself out for it.
    assert requests.count == 0
