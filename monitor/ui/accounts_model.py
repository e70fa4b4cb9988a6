"""The accounts list: name, venue (flagged when unverified), the worst pool's health badge
with how many pools there are, age of the data, stale or error mark. The rows are rendered to
plain values by account_render.py (Qt-free): for a published snapshot on the service thread
already (prerender.py), else here."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt
from monitor.ui.account_render import HEADER_TIPS
from monitor.ui.account_render import HEADERS as HEADERS  # re-exported
from monitor.ui.account_render import HEALTH_COLUMN as HEALTH_COLUMN  # re-exported
from monitor.ui.account_render import VENUE_COLUMN as VENUE_COLUMN  # re-exported
from monitor.ui.account_render import render_row as _render
from monitor.ui.keyed_table import KeyedTableModel
from monitor.ui.prerender import AccountDone
from monitor.ui.rendered_row import KnownChanges

# An account's row rendered elsewhere (prerender.py), with what it was rendered from and its
# changes; None: not rendered there.
Prerendered = Callable[[AccountSnapshot], AccountDone | None]


def _none(_: AccountSnapshot) -> None:
    return None


class AccountsModel(KeyedTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent, tooltips=HEADER_TIPS)
        # The longest text per column: a badge grows ("· 2 pools") after its row came in,
        # and the view widens a column only when this grows, not on every tick.
        self.widest: tuple[int, ...] = (0,) * len(HEADERS)
        # By account: what its row shown was rendered from, the row, and its changes.
        self._rendered: dict[int, AccountDone] = {}
        self.prerendered: Prerendered = _none

    def update(self, accounts: tuple[AccountSnapshot, ...], now: float) -> int:
        # An account not recomputed since the last render keeps its snapshot (the service
        # replaces only those a tick moved), and one just published was rendered on the
        # service thread with its changes: its row is rendered again, here, only when the age
        # it shows moved on since (the age's sort value is the data's time, which does not).
        rendered: dict[int, AccountDone] = {}
        rows = []
        known: dict[Hashable, KnownChanges] = {}
        before, prerendered = self._rendered, self.prerendered  # read once, not per account
        for a in accounts:
            text = fmt.status_text(a, now)
            kept = before.get(a.account_id)
            if kept is None or kept[0] is not a:
                kept = prerendered(a)
            if kept is None or kept[0] is not a or kept[1] != text:
                kept = (a, text, _render(a, text), None)
            elif kept[3] is not None:
                known[a.account_id] = kept[3]
            rendered[a.account_id] = kept
            rows.append(kept[2])
        self._rendered = rendered
        lengths = [tuple(map(len, r.display)) for r in rows]
        self.widest = tuple(map(max, zip(*lengths, strict=True))) if rows else (0,) * len(HEADERS)
        return self.update_rows(rows, known)
