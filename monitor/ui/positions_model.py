"""Positions table of one account, every pool's rows (worst pool first), the venue's own
maintenance and liquidation price beside ours; before → after liquidation prices while
what-ifs are on."""

from __future__ import annotations

import math
from typing import Any

from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt
from monitor.ui.keyed_table import KeyedTableModel, RenderedRow
from monitor.ui.mark_source import mark_cell, mark_tooltip
from monitor.ui.rows import PositionRow, has_active_whatif, position_rows

# What decides survival first (liquidation, ours and the venue's, and the distance to it), so
# it stays on screen in a narrow window; the venue's figures each beside ours.
HEADERS = (
    "Symbol", "Pool", "Side", "Mode", "Size", "Entry", "Mark", "Liq. price", "Exch. liq.",
    "Distance", "Health", "Maint.", "Exch. maint.", "uPnL", "Notional",
)  # fmt: skip
HEADER_TIPS = {
    "Pool": "the margin pool the position counts in (its collateral)",
    "Maint.": "maintenance margin by the app's reading of the venue's rules",
    "Exch. maint.": "maintenance margin as the venue reports it (— when it gives none)",
    "Liq. price": "liquidation price by the app's engine (cross: the other marks held)",
    "Exch. liq.": "liquidation price as the venue reports it (— when it gives none)",
    "Distance": "move of this mark to its liquidation price",
}
POOL_COLUMN = HEADERS.index("Pool")
LIQ_COLUMN = HEADERS.index("Liq. price")
DISTANCE_COLUMN = HEADERS.index("Distance")
PNL_COLUMN = HEADERS.index("uPnL")
WHATIF_BACKGROUND = "#33a371f7"  # translucent violet: a position the trader has not placed


def _moved(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return (before is None) != (after is None)
    return not math.isclose(before, after, rel_tol=1e-9, abs_tol=0.0)


def liq_text(row: PositionRow, whatif: bool) -> str:
    if row.now is not None and row.now.unknown is not None:
        return "unknown"  # why: in the row's tooltip
    after = row.now.liquidation_price if row.now else None
    if whatif and row.before is not None and _moved(row.before.liquidation_price, after):
        return f"{fmt.price(row.before.liquidation_price)} → {fmt.price(after)}"
    return fmt.price(after)


def render_position(row: PositionRow, snap: AccountSnapshot, whatif: bool) -> RenderedRow:
    p, h = row.position, row.now
    current = snap.known
    symbol = f"◇ {p.symbol}  (what-if)" if row.hypothetical else p.symbol
    distance = h.distance_to_liquidation if h else None
    unit = row.pool  # money columns are in the pool's currency
    exch_maint = h.exchange_maintenance_margin if h else p.exchange_maintenance_margin
    exch_liq = h.exchange_liquidation_price if h else None
    exch_liq = p.exchange_liquidation_price if exch_liq is None else exch_liq
    display = (
        symbol,
        row.pool or fmt.UNKNOWN,
        p.side.value,
        p.margin_mode.value,
        fmt.amount(p.contracts),
        fmt.price(p.entry_price),
        mark_cell(fmt.price(h.mark_price if h else p.mark_price), row.mark_source),
        liq_text(row, whatif),
        fmt.price(exch_liq),
        fmt.percent(distance),
        fmt.health(h.health_ratio) if h else fmt.UNKNOWN,
        fmt.money(h.maintenance_margin, unit=unit) if h else fmt.UNKNOWN,
        fmt.money(exch_maint, unit=unit),
        fmt.money(h.unrealized_pnl, unit=unit) if h else fmt.UNKNOWN,
        fmt.money(h.notional, unit=unit) if h else fmt.UNKNOWN,
    )
    sort = (
        p.symbol, row.rank, p.side.value, p.margin_mode.value, p.contracts, p.entry_price,
        h.mark_price if h else None, h.liquidation_price if h else None, exch_liq, distance,
        h.health_ratio if h else None, h.maintenance_margin if h else None, exch_maint,
        h.unrealized_pnl if h else None, h.notional if h else None,
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
    marks = mark_tooltip(row.mark_source, row.mark_at, snap.marks_venue)
    tooltip = f"{tooltip}\n{marks}" if tooltip else marks
    unknown = h is not None and h.unknown is not None
    if unknown and current:
        tooltip = f"cannot be judged: {h.unknown}" if h else tooltip
    pnl_colour = ""
    if h is not None and current and math.isfinite(h.unrealized_pnl):
        pnl_colour = "#2e9e5b" if h.unrealized_pnl >= 0 else "#d8313f"
    cells = [(PNL_COLUMN, pnl_colour)] if pnl_colour else []
    if unknown and current:
        cells.append((LIQ_COLUMN, fmt.UNKNOWN_COLOUR))
    return RenderedRow(
        key=row.key,
        display=display,
        sort=sort,
        foreground="" if current else fmt.STALE_COLOUR,
        background=background,
        tooltip=tooltip,
        italic=row.hypothetical or not current,
        cell_foreground=tuple(cells),
    )


class PositionsModel(KeyedTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent, tooltips=HEADER_TIPS)
        self.account_id: int | None = None
        self.several_pools = False  # the view shows the Pool column only then
        self._rows_by_key: dict[object, PositionRow] = {}
        self._shown: tuple[AccountSnapshot | None, list[PositionRow]] = (None, [])

    def update(self, snap: AccountSnapshot | None) -> int:
        """Show `snap`; a different account swaps the dataset, the same one updates in place."""
        rows = position_rows(snap) if snap else []
        self._shown = (snap, rows)
        self.several_pools = snap is not None and len(snap.pools) > 1
        self._rows_by_key = {r.key: r for r in rows}
        whatif = has_active_whatif(snap) if snap else False
        rendered = [render_position(r, snap, whatif) for r in rows] if snap else []
        account_id = snap.account_id if snap else None
        if account_id != self.account_id:
            self.account_id = account_id
            self.replace_all(rendered)
            return len(rendered)
        return self.update_rows(rendered)

    def rows_of(self, snap: AccountSnapshot) -> list[PositionRow] | None:
        """The rows of `snap` if it is the snapshot shown (None: another one)."""
        shown, rows = self._shown
        return rows if shown is snap else None

    def position_row(self, i: int) -> PositionRow | None:
        return self._rows_by_key.get(self.row(i).key)
