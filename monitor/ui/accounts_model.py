"""The accounts list: name, venue (flagged when unverified), the worst pool's health badge
with how many pools there are, age of the data, stale or error mark. The rows are rendered to
plain values by account_render.py (Qt-free): for a published snapshot on the service thread
already (prerender.py), else here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt
from monitor.ui.account_render import AGE_COLUMN, HEADER_TIPS
from monitor.ui.account_render import HEADERS as HEADERS  # re-exported
from monitor.ui.account_render import HEALTH_COLUMN as HEALTH_COLUMN  # re-exported
from monitor.ui.account_render import VENUE_COLUMN as VENUE_COLUMN  # re-exported
from monitor.ui.account_render import render_row as _render
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow

# An account's row rendered elsewhere (prerender.py): the snapshot and age text it was rendered
# from, and the row; None: not rendered there.
Prerendered = Callable[[AccountSnapshot], tuple[AccountSnapshot, str, RenderedRow] | None]


def _none(_: AccountSnapshot) -> None:
    return None


class AccountsModel(KeyedTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent, tooltips=HEADER_TIPS)
        # The longest text per column: a badge grows ("· 2 pools") after its row came in,
        # and the view widens a column only when this grows, not on every tick.
        self.widest: tuple[int, ...] = (0,) * len(HEADERS)
        # By account: the snapshot, age text and age its row was rendered from, and the row.
        self._rendered: dict[int, tuple[AccountSnapshot, str, RenderedRow]] = {}
        self.prerendered: Prerendered = _none

    def update(self, accounts: tuple[AccountSnapshot, ...], now: float) -> int:
        # An account not recomputed since the last render keeps its snapshot (the service
        # replaces only those a tick moved), and one just published was rendered on the
        # service thread: its row is rendered again only when the age it shows moved on since;
        # else only the age's sort value is brought up to date.
        rendered: dict[int, tuple[AccountSnapshot, str, RenderedRow]] = {}
        rows = []
        for a in accounts:
            text, age = fmt.status_text(a, now), a.status.age(now)
            kept = self._rendered.get(a.account_id)
            if kept is None or kept[0] is not a:
                kept = self.prerendered(a)
            if kept is not None and kept[0] is a and kept[1] == text:
                row = kept[2].sorted_by((*kept[2].sort[:AGE_COLUMN], age))
            else:
                row = _render(a, text, age)
            rendered[a.account_id] = (a, text, row)
            rows.append(row)
        self._rendered = rendered
        lengths = [tuple(map(len, r.display)) for r in rows]
        self.widest = tuple(map(max, zip(*lengths, strict=True))) if rows else (0,) * len(HEADERS)
        return self.update_rows(rows)
