"""Positions table of one account, every pool's rows (worst pool first), the venue's own
maintenance and liquidation price beside ours; before → after liquidation prices while
what-ifs are on. The rows are rendered to plain values by position_render.py (Qt-free): for a
published snapshot on the service thread already (prerender.py), else here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from PySide6.QtCore import Signal

from monitor.service.snapshot import AccountSnapshot
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow
from monitor.ui.position_render import (
    DISTANCE_COLUMN,
    DROP_ORDER,
    HEADER_TIPS,
    HEADERS,
    KEY_COLUMNS,
    LIQ_COLUMN,
    POOL_COLUMN,
    clock_shown,
    render_position,
    render_positions,
)
from monitor.ui.prerender import RowsAndChanges
from monitor.ui.rendered_row import KnownChanges
from monitor.ui.rows import PositionRow
from monitor.ui.totals_render import Totals, book_totals

# Their home before: imported from here still.
__all__ = [
    "DISTANCE_COLUMN", "DROP_ORDER", "HEADERS", "KEY_COLUMNS", "LIQ_COLUMN", "POOL_COLUMN",
    "PositionsModel", "render_position",
]  # fmt: skip

# The rows of a snapshot rendered elsewhere (prerender.py), and each rendered row's changes
# from the render before, by key; None: not rendered there.
Prerendered = Callable[[AccountSnapshot], RowsAndChanges | None]


def _none(_: AccountSnapshot) -> None:
    return None


class PositionsModel(KeyedTableModel):
    # The real book's totals (book_totals) and whether they are current, after each update.
    totals_changed = Signal(object, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent, tooltips=HEADER_TIPS)
        self.account_id: int | None = None
        self.several_pools = False  # the view shows the Pool column only then
        self._rows_by_key: dict[object, PositionRow] = {}
        self._shown: tuple[AccountSnapshot | None, list[PositionRow]] = (None, [])
        self.prerendered: Prerendered = _none

    def update(self, snap: AccountSnapshot | None) -> int:
        """Show `snap`; a different account swaps the dataset, the same one updates in place.
        The snapshot already shown is shown as it is (a render for another account's tick),
        unless a row's text moves on with the clock (a typed mark's age)."""
        shown, shown_rows = self._shown
        if snap is not None and snap is shown and not clock_shown(shown_rows):
            return 0
        rows: list[PositionRow] = []
        rendered: list[RenderedRow] = []
        known: Mapping[Hashable, KnownChanges] | None = None
        totals: tuple[Totals, ...] | None = None  # worked out with the rows, if ahead
        if snap is not None:
            # Rendered on the service thread when published; here only when it was not (a
            # what-if of this window's, a row whose text moves on with the clock).
            done = self.prerendered(snap)
            if done is None:
                rows, rendered = render_positions(snap, render_position)
            else:
                rows, rendered, known, totals = done
        self._shown = (snap, rows)
        self.several_pools = snap is not None and len(snap.pools) > 1
        self._rows_by_key = {r.key: r for r in rows}
        if totals is None:
            totals = book_totals(rows)
        self.totals_changed.emit(totals, snap is not None and snap.known)
        account_id = snap.account_id if snap else None
        if account_id != self.account_id:
            self.account_id = account_id
            self.replace_all(rendered)
            return len(rendered)
        return self.update_rows(rendered, known)

    def rows_of(self, snap: AccountSnapshot) -> list[PositionRow] | None:
        """The rows of `snap` if it is the snapshot shown (None: another one)."""
        shown, rows = self._shown
        return rows if shown is snap else None

    def position_row(self, i: int) -> PositionRow | None:
        return self._rows_by_key.get(self.row(i).key)
