"""The accounts list: name, venue (flagged when unverified), the worst pool's health badge
with how many pools there are, age of the data, stale or error mark."""

from __future__ import annotations

from typing import Any

from monitor.service.snapshot import AccountSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow

HEADERS = ("Account", "Venue", "Health", "Data")
VENUE_COLUMN = 1
HEALTH_COLUMN = 2
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
    data_text = fmt.status_text(snap, now)
    if state in (SourceState.ERROR, SourceState.AUTH_FAILED):
        data_text = "✖ " + data_text
    elif state is SourceState.STALE:
        data_text = "⚠ " + data_text
    return RenderedRow(
        key=snap.account_id,
        display=(snap.label, venue, text, data_text),
        sort=(snap.name.lower(), snap.venue or "", health, snap.status.age(now)),
        foreground=fmt.STALE_COLOUR if stale else "",
        tooltip=tooltip,
        italic=stale,
        cell_foreground=(
            (HEALTH_COLUMN, colour),
            *(
                ((3, fmt.ERROR_COLOUR),)
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

    def update(self, accounts: tuple[AccountSnapshot, ...], now: float) -> int:
        rows = [render_account(a, now) for a in accounts]
        self.widest = tuple(
            max((len(r.display[c]) for r in rows), default=0) for c in range(len(HEADERS))
        )
        return self.update_rows(rows)
