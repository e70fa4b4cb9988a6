"""The accounts list: name, venue (flagged when unverified), the worst pool's health badge
with how many pools there are, age of the data, stale or error mark."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from monitor.service.snapshot import AccountSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow

HEADERS = ("Account", "Venue", "Health", "Data")
VENUE_COLUMN = 1
HEALTH_COLUMN = 2
AGE_COLUMN = 3  # the data's age ("live · 2 s"), the last column
HEADER_TIPS = {
    "Venue": "unverified: the app has not verified its reading of this venue's margin rules",
    "Health": "the worst margin pool's health (margin balance ÷ maintenance; 1.0 liquidates)",
}


def _pools_tip(snap: AccountSnapshot) -> str:
    """Every pool's health, worst first, for an account with several."""
    if len(snap.pools) < 2 or not snap.known:
        return ""
    parts = [f"{p.pool or 'pool'} {fmt.badge(snap, p.baseline)[0]}" for p in snap.pools]
    return f"{len(snap.pools)} margin pools, worst first: " + ";  ".join(parts)


def render_account(snap: AccountSnapshot, now: float) -> RenderedRow:
    return _render(snap, fmt.status_text(snap, now), snap.status.age(now))


def _render(snap: AccountSnapshot, data_text: str, age: float | None) -> RenderedRow:
    text, colour = fmt.badge(snap)
    if len(snap.pools) > 1:
        text = f"{text} · {len(snap.pools)} pools"
    state = snap.status.state
    stale = not snap.known
    tooltip = _pools_tip(snap)
    if state in (SourceState.ERROR, SourceState.AUTH_FAILED):
        status = snap.status
        tooltip = status.advice or status.last_error or "the venue is not answering"
        if status.advice and status.last_error:
            tooltip = f"{tooltip}\ndetails: {status.last_error}"
    elif state is SourceState.STALE:
        tooltip = "no fresh data: figures are the last known, not current"
    elif snap.known and snap.unknowns:
        tooltip = "cannot be judged: " + ";  ".join(snap.unknowns)
    if not snap.verified:
        unverified = f"the app has not verified its reading of {snap.venue}'s margin rules"
        tooltip = f"{tooltip}\n{unverified}" if tooltip else unverified
    venue = snap.venue or "manual"
    if snap.simulated:
        venue = f"simulated {venue}"
    if not snap.verified:
        venue = f"{venue} · unverified"
    # The real book's health (what-ifs are never the record).
    health = snap.baseline.health_ratio if (snap.known and snap.baseline) else None
    if state in (SourceState.ERROR, SourceState.AUTH_FAILED):
        data_text = "✖ " + data_text
    elif state is SourceState.STALE:
        data_text = "⚠ " + data_text
    return RenderedRow(
        key=snap.account_id,
        display=(snap.label, venue, text, data_text),
        sort=(snap.name.lower(), snap.venue or "", health, age),
        foreground=fmt.STALE_COLOUR if stale else "",
        tooltip=tooltip,
        italic=stale,
        cell_foreground=(
            (HEALTH_COLUMN, colour),
            *(
                ((AGE_COLUMN, fmt.ERROR_COLOUR),)
                if state in (SourceState.ERROR, SourceState.AUTH_FAILED)
                else ()
            ),
        ),
    )


class AccountsModel(KeyedTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent, tooltips=HEADER_TIPS)
        # The longest text per column: a badge grows ("· 2 pools") after its row came in,
        # and the view widens a column only when this grows, not on every tick.
        self.widest: tuple[int, ...] = (0,) * len(HEADERS)
        # By account: the snapshot, age text and age its row was rendered from, and the row.
        self._rendered: dict[int, tuple[AccountSnapshot, str, RenderedRow]] = {}

    def update(self, accounts: tuple[AccountSnapshot, ...], now: float) -> int:
        # An account not recomputed since the last render keeps its snapshot (the service
        # replaces only those a tick moved): its row is rendered again only when the age it
        # shows moved on; else only the age's sort value is brought up to date.
        rendered: dict[int, tuple[AccountSnapshot, str, RenderedRow]] = {}
        rows = []
        for a in accounts:
            text, age = fmt.status_text(a, now), a.status.age(now)
            kept = self._rendered.get(a.account_id)
            if kept is not None and kept[0] is a and kept[1] == text:
                row = replace(kept[2], sort=(*kept[2].sort[:AGE_COLUMN], age))
            else:
                row = _render(a, text, age)
            rendered[a.account_id] = (a, text, row)
            rows.append(row)
        self._rendered = rendered
        self.widest = tuple(
            max((len(r.display[c]) for r in rows), default=0) for c in range(len(HEADERS))
        )
        return self.update_rows(rows)
