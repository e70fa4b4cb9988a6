"""An accounts list row rendered to plain values (texts, sort values, colours as names): no Qt,
so the service thread can render a published snapshot's rows before the UI thread shows them
(prerender.py), and the UI thread render the ones it was not handed (accounts_model.py)."""

from __future__ import annotations

from monitor.service.snapshot import AccountSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui.rendered_row import RenderedRow

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


def data_time(snap: AccountSnapshot) -> float | None:
    """When the data the row's age is counted from was read (its marks', if streamed since);
    None: never. The age column sorts by it, newest first (ascending, as the ages shown): a
    value the clock does not move, so a row rendered ahead stays the row shown until its
    age's text moves on (prerender.py)."""
    read = snap.status.last_success
    if read is not None and snap.marks_at is not None:
        return max(read, snap.marks_at)  # as status_text counts the age shown
    return read


def render_row(snap: AccountSnapshot, data_text: str) -> RenderedRow:
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
    read = data_time(snap)
    if state in (SourceState.ERROR, SourceState.AUTH_FAILED):
        data_text = "✖ " + data_text
    elif state is SourceState.STALE:
        data_text = "⚠ " + data_text
    return RenderedRow(
        key=snap.account_id,
        display=(snap.label, venue, text, data_text),
        sort=(snap.name.lower(), snap.venue or "", health, None if read is None else -read),
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
