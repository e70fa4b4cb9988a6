"""The accounts list: name, venue, health badge, age of the data, stale or error mark."""

from __future__ import annotations

from typing import Any

from monitor.service.snapshot import AccountSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow

HEADERS = ("Account", "Venue", "Health", "Data")
HEALTH_COLUMN = 2


def render_account(snap: AccountSnapshot, now: float) -> RenderedRow:
    text, colour = fmt.badge(snap)
    state = snap.status.state
    stale = not snap.known
    tooltip = ""
    if state in (SourceState.ERROR, SourceState.AUTH_FAILED):
        tooltip = snap.status.last_error or "the venue is not answering"
    elif state is SourceState.STALE:
        tooltip = "no fresh data: figures are the last known, not current"
    health = snap.health.health_ratio if (snap.known and snap.health) else None
    data_text = fmt.status_text(snap, now)
    if state in (SourceState.ERROR, SourceState.AUTH_FAILED):
        data_text = "✖ " + data_text
    elif state is SourceState.STALE:
        data_text = "⚠ " + data_text
    return RenderedRow(
        key=snap.account_id,
        display=(snap.name, snap.venue or "manual", text, data_text),
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
        super().__init__(HEADERS, parent)

    def update(self, accounts: tuple[AccountSnapshot, ...], now: float) -> int:
        return self.update_rows([render_account(a, now) for a in accounts])
