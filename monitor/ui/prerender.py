"""The rows of each published snapshot rendered on the service thread, before the UI thread
shows it: the UI thread then only sets the cells that changed (keyed_table.py).

Rendering a refresh's rows (20 accounts' list rows, the 25 position rows of the one shown) took
~1 ms of the UI thread's 4 ms budget a refresh. The hub hands each published snapshot to
`RowPrerenderer.publish` on the service thread, before it goes to the UI thread (the list's
rows, and the positions of the account the window shows); the models then look their rows up
by the very snapshot object they are given (`positions`, `account`), and render themselves
only what was not rendered here: another account just selected, a snapshot replaced since, a
row whose text moves on with the clock (a typed mark's age, an age in the list).
Each row's changes from its render before are worked out here too (the positions shown, and
the list's rows): a model takes them for a row only if they were taken against the very row it
shows, and compares the row itself otherwise (keyed_table.py). The header's figures of the
account shown are rendered here too (header_render.py, `header`), the book's totals under its
positions (totals_render.py), and every account's point of the health history (history.py,
`points`).

Qt-free (plain values only), like the renderers it calls. Entries are whole tuples replaced
in one assignment: the UI thread reads them without a lock (the GIL orders the two).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable

from monitor.service.snapshot import AccountSnapshot, Snapshot
from monitor.ui import formatting as fmt
from monitor.ui.account_render import render_row
from monitor.ui.header_render import HeaderFigures, clocked, render_header
from monitor.ui.history import Points, health_points
from monitor.ui.position_render import clock_shown, render_positions
from monitor.ui.rendered_row import KnownChanges, RenderedRow, changes
from monitor.ui.rows import PositionRow
from monitor.ui.totals_render import Totals, book_totals

log = logging.getLogger(__name__)

# The snapshot, its rows and rendered rows, and each rendered row's changes from the one of
# the render before (the row the window shows, if it showed that render).
PositionsDone = tuple[
    AccountSnapshot,
    list[PositionRow],
    list[RenderedRow],
    dict[Hashable, KnownChanges],
    tuple[Totals, ...],
]
# The snapshot, the age text its list row was rendered with, the row, and its changes from
# the account's row rendered before (None: none was).
AccountDone = tuple[AccountSnapshot, str, RenderedRow, KnownChanges | None]
Rows = tuple[list[PositionRow], list[RenderedRow]]
# The rows of a snapshot's positions, their changes by key, and the book's totals under them
# (totals_render.py, their texts worked out), as the positions model takes them.
RowsAndChanges = tuple[
    list[PositionRow], list[RenderedRow], dict[Hashable, KnownChanges], tuple[Totals, ...]
]


# The snapshot, and the header's figures of it (header_render.py).
HeaderDone = tuple[AccountSnapshot, HeaderFigures]

# Renders kept per account: the newest, and the few before it that the UI thread may still be
# about to show (a snapshot published while it was rendering the one before).
_KEPT = 3


class RowPrerenderer:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        # The account whose positions the window shows (set from the UI thread): only its rows
        # are rendered ahead, not every account's (20 x 25 rows a tick, most of them never
        # shown, and their garbage collected on whichever thread allocates next).
        self.shown: int | None = None
        # By account, its latest renders, the newest first.
        self._positions: dict[int, tuple[PositionsDone, ...]] = {}
        self._accounts: dict[int, tuple[AccountDone, ...]] = {}
        self._headers: dict[int, tuple[HeaderDone, ...]] = {}  # the account shown's
        # The latest snapshots' health points (history.py), the newest first.
        self._points: tuple[tuple[Snapshot, Points], ...] = ()

    def publish(self, snap: Snapshot) -> None:
        """On the service thread: render the rows the snapshot replaced (the list's, and the
        positions of the account shown). Never raises: a row that cannot be rendered here is
        rendered (and its error shown) on the UI side."""
        try:
            self._render(snap)
        except Exception:
            log.exception("rows not rendered ahead; the window renders them")

    def _render(self, snap: Snapshot) -> None:
        now = self.clock()
        positions: dict[int, tuple[PositionsDone, ...]] = {}
        accounts: dict[int, tuple[AccountDone, ...]] = {}
        headers: dict[int, tuple[HeaderDone, ...]] = {}
        # Only the accounts of this snapshot are kept: a removed one's renders go.
        shown = self.shown
        for a in snap.accounts:
            done = self._positions.get(a.account_id, ())
            if a.account_id != shown:
                done = ()
            elif not done or done[0][0] is not a:
                rows, rendered = render_positions(a)
                # A typed mark's age moves on with the clock: rendered at each render instead.
                if not clock_shown(rows):
                    known = _changes(done[0][2] if done else [], rendered)
                    totals = _totals(rows)
                    done = ((a, rows, rendered, known, totals), *done[: _KEPT - 1])
            if done:
                positions[a.account_id] = done
            if a.account_id == shown:
                headers[a.account_id] = self._header(a, now)
            text = fmt.status_text(a, now)
            kept = self._accounts.get(a.account_id, ())
            if not kept or kept[0][0] is not a or kept[0][1] != text:
                row = render_row(a, text)
                before = kept[0][2] if kept else None
                against = None if before is None else (before, *changes(before, row))
                kept = ((a, text, row, against), *kept[: _KEPT - 1])
            accounts[a.account_id] = kept
        # Whole dicts swapped in: the UI thread reads one or the other, never one half-built.
        self._positions, self._accounts, self._headers = positions, accounts, headers
        self._points = ((snap, health_points(snap)), *self._points[: _KEPT - 1])

    def _header(self, snap: AccountSnapshot, now: float) -> tuple[HeaderDone, ...]:
        """The header's figures of `snap` added to the account's kept ones (none kept when
        they cannot be rendered here: the header renders them, and shows the error)."""
        kept = self._headers.get(snap.account_id, ())
        if kept and kept[0][0] is snap:
            return kept
        try:
            return ((snap, render_header(snap, now)), *kept[: _KEPT - 1])
        except Exception:
            log.exception("header of %s not rendered ahead; the window renders it", snap.label)
            return ()

    # ---- on the UI thread ---------------------------------------------------------------
    def positions_and_changes(self, snap: AccountSnapshot) -> RowsAndChanges | None:
        """`snap`'s rows, rendered rows, their changes from the render before it, and the
        book's totals."""
        for done in self._positions.get(snap.account_id, ()):
            if done[0] is snap:
                return done[1], done[2], done[3], done[4]
        return None

    def positions(self, snap: AccountSnapshot) -> Rows | None:
        done = self.positions_and_changes(snap)
        return None if done is None else (done[0], done[1])

    def points(self, snap: Snapshot) -> Points | None:
        """`snap`'s health points for the history, if worked out here."""
        for done, points in self._points:
            if done is snap:
                return points
        return None

    def header(self, snap: AccountSnapshot, now: float) -> HeaderFigures | None:
        """The header's figures of `snap` if rendered here and they read as at `now`: the texts
        that move on with the clock the same (a render of another second may not). None for
        figures that are not current: the badge then says how old they are."""
        if not snap.known:
            return None
        for done in self._headers.get(snap.account_id, ()):
            if done[0] is snap:
                return done[1] if done[1].clocked == clocked(snap, now) else None
        return None

    def account(self, snap: AccountSnapshot) -> AccountDone | None:
        for done in self._accounts.get(snap.account_id, ()):
            if done[0] is snap:
                return done
        return None


def _totals(rows: list[PositionRow]) -> tuple[Totals, ...]:
    """The book's totals under the rows, their texts worked out here (Totals.texts)."""
    totals = book_totals(rows)
    for t in totals:
        _ = t.texts
    return totals


def _changes(
    before: list[RenderedRow], rendered: list[RenderedRow]
) -> dict[Hashable, KnownChanges]:
    """Each row's changes from the row of its key rendered before, worked out here, off the
    UI thread: there, a row taken against the very row it shows needs no comparing (the
    comparisons of 25 rows were 1.6 % of that thread's instructions a refresh)."""
    was = {r.key: r for r in before}
    known: dict[Hashable, KnownChanges] = {}
    for row in rendered:
        old = was.get(row.key)
        if old is not None:
            known[row.key] = (old, *changes(old, row))
    return known
