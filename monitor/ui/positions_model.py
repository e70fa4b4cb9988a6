"""Positions table of one account; before → after liquidation prices while what-ifs are on."""

from __future__ import annotations

import math
from typing import Any

from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow
from monitor.ui.rows import PositionRow, has_active_whatif, position_rows

HEADERS = (
    "Symbol", "Side", "Mode", "Size", "Entry", "Mark", "uPnL", "Notional", "Maint.",
    "Health", "Liq. price", "Distance", "Exch. liq.",
)  # fmt: skip
LIQ_COLUMN = HEADERS.index("Liq. price")
DISTANCE_COLUMN = HEADERS.index("Distance")
WHATIF_BACKGROUND = "#33a371f7"  # translucent violet: a position the trader has not placed


def _moved(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return (before is None) != (after is None)
    return not math.isclose(before, after, rel_tol=1e-9, abs_tol=0.0)


def liq_text(row: PositionRow, whatif: bool) -> str:
    after = row.now.liquidation_price if row.now else None
    if whatif and row.before is not None and _moved(row.before.liquidation_price, after):
        return f"{fmt.price(row.before.liquidation_price)} → {fmt.price(after)}"
    return fmt.price(after)


def render_position(row: PositionRow, snap: AccountSnapshot, whatif: bool) -> RenderedRow:
    p, h = row.position, row.now
    current = snap.known
    symbol = f"◇ {p.symbol}  (what-if)" if row.hypothetical else p.symbol
    distance = h.distance_to_liquidation if h else None
    display = (
        symbol,
        p.side.value,
        p.margin_mode.value,
        fmt.amount(p.contracts),
        fmt.price(p.entry_price),
        fmt.price(h.mark_price if h else p.mark_price),
        fmt.money(h.unrealized_pnl) if h else fmt.UNKNOWN,
        fmt.money(h.notional) if h else fmt.UNKNOWN,
        fmt.money(h.maintenance_margin) if h else fmt.UNKNOWN,
        fmt.health(h.health_ratio) if h else fmt.UNKNOWN,
        liq_text(row, whatif),
        fmt.percent(distance),
        fmt.price(p.exchange_liquidation_price),
    )
    sort = (
        p.symbol, p.side.value, p.margin_mode.value, p.contracts, p.entry_price,
        h.mark_price if h else None, h.unrealized_pnl if h else None,
        h.notional if h else None, h.maintenance_margin if h else None,
        h.health_ratio if h else None, h.liquidation_price if h else None, distance,
        p.exchange_liquidation_price,
    )  # fmt: skip
    tint = fmt.distance_colour(distance) if current else ""
    # Row tint by distance (translucent: #AARRGGBB), a fixed tint for what-if rows.
    background = WHATIF_BACKGROUND if row.hypothetical else ("#40" + tint[1:] if tint else "")
    tooltip = ""
    if not current:
        tooltip = "figures from data that is not current (stale or failing source)"
    elif whatif and row.before is not None:
        tooltip = (
            f"liquidation without what-ifs {fmt.price(row.before.liquidation_price)}, "
            f"with them {fmt.price(h.liquidation_price if h else None)}"
        )
    if not row.ref.enabled:
        tooltip = "switched off"
    pnl_colour = ""
    if h is not None and current:
        pnl_colour = "#2e9e5b" if h.unrealized_pnl >= 0 else "#d8313f"
    return RenderedRow(
        key=row.key,
        display=display,
        sort=sort,
        foreground="" if current else fmt.STALE_COLOUR,
        background=background,
        tooltip=tooltip,
        italic=row.hypothetical or not current,
        cell_foreground=((6, pnl_colour),) if pnl_colour else (),
    )


class PositionsModel(KeyedTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent)
        self.account_id: int | None = None
        self._rows_by_key: dict[object, PositionRow] = {}

    def update(self, snap: AccountSnapshot | None) -> int:
        """Show `snap`; a different account swaps the dataset, the same one updates in place."""
        rows = position_rows(snap) if snap else []
        self._rows_by_key = {r.key: r for r in rows}
        whatif = has_active_whatif(snap) if snap else False
        rendered = [render_position(r, snap, whatif) for r in rows] if snap else []
        account_id = snap.account_id if snap else None
        if account_id != self.account_id:
            self.account_id = account_id
            self.replace_all(rendered)
            return len(rendered)
        return self.update_rows(rendered)

    def position_row(self, i: int) -> PositionRow | None:
        return self._rows_by_key.get(self.row(i).key)
