"""Renders the newest snapshot into the views, at most ~4 times a second.

Snapshots may arrive faster than a trader can read; each one only replaces `latest` and
marks the views dirty. A QTimer then renders once, on the GUI thread, and re-renders the
ages every tick so "stale · 47 s" keeps counting even when nothing arrives. The GUI thread
only draws: the stress curves are worked out on a worker thread (redraw_stress), asked for
when the UI thread is idle (a snapshot in, a render painted), and drawn once in.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

from monitor.domain.model import Thresholds
from monitor.service.snapshot import AccountSnapshot, Snapshot
from monitor.ui.account_header import AccountHeader
from monitor.ui.accounts_model import AccountsModel
from monitor.ui.chart_slot import ChartSlot
from monitor.ui.history import HealthHistory
from monitor.ui.positions_model import PositionsModel
from monitor.ui.prerender import RowPrerenderer
from monitor.ui.redraw_stress import StressCurves, StressWorker
from monitor.ui.risk_line import move_band
from monitor.ui.row_images import RowsAhead
from monitor.ui.rows import position_rows
from monitor.ui.status import service_status
from monitor.ui.stress import STRESS_MOVES
from monitor.ui.whatif_panel import WhatIfPanel

REDRAW_MS = 250
_ASK_STRESS = QEvent.Type(QEvent.registerEventType())  # ask for stress curves, after a paint


@dataclasses.dataclass
class Views:
    accounts: AccountsModel
    positions: PositionsModel
    header: AccountHeader
    whatif: WhatIfPanel
    history: ChartSlot  # HealthHistoryChart
    stress: ChartSlot  # StressChart
    ladder: ChartSlot  # LadderChart
    status: Callable[[str], None]


class SnapshotPresenter(QObject):
    rendered = Signal()  # after the views show a new snapshot (tests wait on it)
    history_wanted = Signal(int)  # an account seen for the first time: load its stored past

    def __init__(self, views: Views, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.views = views
        self.clock = clock
        self.latest: Snapshot | None = None
        self.selected_id: int | None = None
        self.history = HealthHistory()
        self._history_asked: set[int] = set()
        self._dirty = False
        self._ages_second = -1  # the second the ages were last drawn for
        self._drawn: dict[str, AccountSnapshot | None] = {}
        # The rows of each published snapshot, rendered on the service thread (the hub calls
        # `ahead.publish` there); the models look theirs up, and render only the others.
        self.prerender = RowPrerenderer(clock)
        self.ahead = RowsAhead(self.prerender)  # and drawn there (row_images.py)
        views.positions.prerendered = self.prerender.positions_and_changes
        views.accounts.prerendered = self.prerender.account
        views.header.prerendered = self.prerender.header
        # The stress curves are worked out off this thread; the chart draws the newest in.
        self.stress = StressWorker(self)
        self.stress.landed.connect(self._stress_landed)
        # The curves drawn, or the id of the account drawn empty (-1: no account).
        self._stress_shown: StressCurves | int | None = None
        self._stress_wanted: AccountSnapshot | None = None  # to ask for (see _ask_stress)
        self._stress_asked: AccountSnapshot | None = None  # the snapshot last asked for
        self._asks = 0  # asks posted and not yet handled: only the last one asks
        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def on_snapshot(self, snap: Snapshot) -> None:
        first = self.latest is None
        self.latest = snap
        for a in snap.accounts:
            if a.account_id not in self._history_asked:
                self._history_asked.add(a.account_id)
                self.history_wanted.emit(a.account_id)
        self.history.record(snap, self.prerender.points(snap))  # worked out ahead if published
        self._dirty = True
        if self.views.stress.isVisible():  # its curves, asked for when the UI is idle
            self._stress_wanted = self._to_select(snap)
            self._ask_stress()
        if first:  # the window's first figures (the stored book at start): not a tick later
            self.render()

    def seed_history(self, account_id: int, t: list[float], h: list[float]) -> None:
        self.history.seed(account_id, t, h)
        self._dirty = True

    def select(self, account_id: int | None) -> None:
        if account_id != self.selected_id:
            self.selected_id = account_id
            self.render()

    def selected(self) -> AccountSnapshot | None:
        if self.latest is None:
            return None
        for a in self.latest.accounts:
            if a.account_id == self.selected_id:
                return a
        return None

    def _to_select(self, snap: Snapshot) -> AccountSnapshot | None:
        """The account of `snap` that render will show: the selected one, else the first."""
        for a in snap.accounts:
            if a.account_id == self.selected_id:
                return a
        return snap.accounts[0] if snap.accounts else None

    def _tick(self) -> None:
        if self._dirty:
            self.render()
        elif self.latest is not None:
            # Nothing new: only the ages move on, shown in whole seconds: once a second.
            now = self.clock()
            if int(now) == self._ages_second:
                return
            self._ages_second = int(now)
            self.views.accounts.update(self.latest.accounts, now)
            self.views.header.show_account(self.selected(), now)
            self.views.status(service_status(self.latest, now))
            self._typed_ages_move_on()

    def _typed_ages_move_on(self) -> None:
        """A typed mark's age ("typed 3 h ago") moves on with nothing new published: redraw
        the table then, only when it shows such an age (changed cells only are repainted)."""
        account = self.selected()
        rows = self.views.positions.rows_of(account) if account is not None else None
        if rows and any(r.mark_source == "typed" and r.mark_at is not None for r in rows):
            self.views.positions.update(account)

    def render(self) -> None:
        self._dirty = False
        self._ages_second = int(self.clock())
        snap = self.latest
        if snap is None:
            return
        now = self.clock()
        v = self.views
        v.accounts.update(snap.accounts, now)
        if self.selected() is None and snap.accounts:
            self.selected_id = snap.accounts[0].account_id
        account = self.selected()
        self.prerender.shown = self.selected_id  # its positions rendered ahead from now on
        v.header.show_account(account, now)
        v.positions.update(account)
        v.whatif.show_account(account)
        v.status(service_status(snap, now))
        self._render_charts(account)
        self._ask_stress()
        self.rendered.emit()

    def render_charts(self) -> None:
        """Draw the visible chart now (a tab was switched to it)."""
        self._render_charts(self.selected())
        self._ask_stress()

    def _render_charts(self, account: AccountSnapshot | None) -> None:
        # Only the chart on screen is drawn; a hidden one catches up when its tab is shown.
        # Each skips what it already shows, so an unchanged one costs nothing.
        thresholds = account.thresholds if account else Thresholds()
        v = self.views
        if v.history.isVisible() and account is not None:
            t, h = self.history.series(account.account_id)
            v.history.chart().show_series(t, h, thresholds, account.account_id)
        if v.stress.isVisible():
            self._draw_stress(account)
        if v.ladder.isVisible() and self._drawn.get("ladder") is not account:
            self._drawn["ladder"] = account
            rows = v.positions.rows_of(account) if account else None  # the table's, if shown
            if rows is None:
                rows = position_rows(account) if account else []
            v.ladder.chart().show_rows(rows)

    def _draw_stress(self, account: AccountSnapshot | None) -> None:
        """The newest curves in for the account, asked for when not yet (they land shortly)."""
        shown = self._stress_shown
        if account is not None:
            self._stress_wanted = account  # asked for after the paint (see _ask_stress)
            curves = self.stress.newest(account.account_id)
            # This snapshot's curves, or an earlier snapshot's while the chart follows the
            # account (one refresh behind at worst); never another account's.
            following = isinstance(shown, StressCurves) and shown.source.account_id == (
                account.account_id
            )
            # (Or the snapshot asked for last: at the first render after it, it is the
            # curves drawn that follow the account.)
            following = following or (curves is not None and curves.source is self._stress_asked)
            if curves is not None and (curves.source is account or following):
                if curves is not shown:
                    self._stress_shown = curves
                    self.views.stress.chart().show_curves(
                        STRESS_MOVES,
                        curves.after,
                        curves.before,
                        curves.health_now,
                        curves.crossings,
                        curves.source.thresholds,
                        pool=curves.pool,
                    )
                self.views.stress.chart().show_band(move_band(account, curves.pool))
                return
        # Nothing to show (yet) for this account: an empty chart.
        empty = account.account_id if account is not None else -1
        if shown != empty:
            self._stress_shown = empty
            nothing = np.full(len(STRESS_MOVES), np.nan)
            thresholds = account.thresholds if account is not None else Thresholds()
            self.views.stress.chart().show_curves(
                STRESS_MOVES, nothing, None, None, (None, None), thresholds
            )
            self.views.stress.chart().show_band(None)

    def _stress_landed(self) -> None:
        # Curves that land after the render that asked for them are drawn now; while a render
        # is due it draws them.
        if not self._dirty and self.views.stress.isVisible():
            self._draw_stress(self.selected())
            self._ask_stress()

    def _ask_stress(self) -> None:
        """Ask the worker for the wanted stress curves once the UI thread is idle: its Python
        would otherwise share the interpreter (one thread at a time) with a render and its
        paint. The ask is an event at the paint's own (low) priority, posted when a snapshot
        comes (handled before the next render) and again after each render (behind its
        paint); only the last one posted asks, so a render that follows its snapshot at once
        is painted first."""
        if self._stress_wanted is not None:
            self._asks += 1
            QCoreApplication.postEvent(
                self, QEvent(_ASK_STRESS), Qt.EventPriority.LowEventPriority.value
            )

    def event(self, event: QEvent) -> bool:
        if event.type() == _ASK_STRESS:
            self._asks -= 1
            if self._asks == 0 and self._stress_wanted is not None:
                wanted, self._stress_wanted = self._stress_wanted, None
                self._stress_asked = wanted
                self.stress.request(wanted)  # a no-op when done or under way
            return True
        return super().event(event)
