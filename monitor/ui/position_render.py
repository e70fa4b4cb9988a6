"""A position row rendered to plain values (texts, sort values, colours as names): no Qt, so
the service thread can render the rows of a published snapshot before the UI thread shows it
(prerender.py), and the UI thread render the ones it was not handed (positions_model.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

from monitor.domain.report import PositionHealth
from monitor.formats.mark_age import TYPED
from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt
from monitor.ui import trader_figures as tf
from monitor.ui.mark_source import mark_cell, mark_tooltip
from monitor.ui.position_fixed import FixedCells, fixed_cells
from monitor.ui.rendered_row import RenderedRow
from monitor.ui.rows import PositionRow, has_active_whatif, position_rows

# What decides survival first (symbol, side, size, mark, PnL, liquidation and the distance to
# it) on the left, so it stays on screen in a narrow window (column_fit hides the others, the
# last first); the venue's own figures each beside ours.
HEADERS = (
    "Symbol", "Side", "Size", "Mark", "uPnL", "ROE", "Liq. price", "Exch. liq.", "Distance",
    "Lev.", "Margin", "Entry", "Break-even", "Health", "Maint.", "Exch. maint.", "Notional",
    "Pool", "Mode",
)  # fmt: skip
HEADER_TIPS = {
    "Symbol": "the market as the venue names it; the unified symbol on hover",
    "Size": "in coin, or in contracts (ct) where the venue counts contracts (OKX, inverse)",
    "ROE": "return on equity as Binance shows it: unrealised PnL ÷ initial margin "
    "(entry notional ÷ leverage; isolated without a leverage: its margin)",
    "Lev.": "effective leverage: notional ÷ the margin behind the position — isolated: its "
    "own margin; cross: the pool's margin balance shared by notional (the pool's leverage)",
    "Margin": "the position's margin: isolated, its own margin; cross, the initial margin "
    "(entry notional ÷ the set leverage)",
    "Break-even": "price at which closing now nets zero after the taker fee to close where the "
    "venue gives its rate (else the entry); fees paid to open and funding are not included",
    "Pool": "the margin pool the position counts in (its collateral)",
    "Maint.": "maintenance margin by the app's reading of the venue's rules",
    "Exch. maint.": "maintenance margin as the venue reports it (— when it gives none)",
    "Liq. price": "liquidation price by the app's engine (cross: the other marks held)",
    "Exch. liq.": "liquidation price as the venue reports it (— when it gives none)",
    "Distance": "move of this mark to its liquidation price",
}
SYMBOL_COLUMN = HEADERS.index("Symbol")
SIDE_COLUMN = HEADERS.index("Side")
SIZE_COLUMN = HEADERS.index("Size")
POOL_COLUMN = HEADERS.index("Pool")
LIQ_COLUMN = HEADERS.index("Liq. price")
DISTANCE_COLUMN = HEADERS.index("Distance")
PNL_COLUMN = HEADERS.index("uPnL")
ROE_COLUMN = HEADERS.index("ROE")
LEVERAGE_COLUMN = HEADERS.index("Lev.")
# Always on screen, however narrow the window (layout: column_fit).
KEY_COLUMNS = tuple(
    HEADERS.index(h)
    for h in ("Symbol", "Side", "Size", "Mark", "uPnL", "Liq. price", "Distance")
)  # fmt: skip
# The others, the first hidden first when the window is too narrow for them all; the Pool
# (shown only for an account with several) last: which pool's liquidation it is.
DROP_ORDER = tuple(
    HEADERS.index(h)
    for h in ("Mode", "Exch. maint.", "Maint.", "Break-even", "Entry", "Notional", "Margin",
              "Health", "Lev.", "Exch. liq.", "ROE", "Pool")
)  # fmt: skip
LONG_COLOUR = "#2e9e5b"
SHORT_COLOUR = "#d8313f"
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


def _pools_leverage(snap: AccountSnapshot) -> list[tf.PoolLeverage]:
    """Each pool's (by rank) effective cross leverage, what-ifs included as the rows are."""
    return [tf.pool_leverage(p.health, p.account.positions) for p in snap.pools]


def _leverage_text(value: float | None) -> str:
    return fmt.UNKNOWN if value is None or not math.isfinite(value) else f"{value:,.1f}×"


def _roe(fixed: FixedCells, h: PositionHealth | None) -> float | None:
    """trader_figures.roe, its denominator kept with the position's fixed cells."""
    if h is None or h.unknown is not None or not math.isfinite(h.unrealized_pnl):
        return None
    margin = fixed.roe_margin
    return None if margin is None or margin <= 0 else h.unrealized_pnl / margin


_TIP_COLUMNS = (SYMBOL_COLUMN, SIZE_COLUMN, LEVERAGE_COLUMN)


def render_position(
    row: PositionRow,
    snap: AccountSnapshot,
    whatif: bool,
    pool_leverage: tf.PoolLeverage | None = None,
) -> RenderedRow:
    p, h = row.position, row.now
    current = snap.known
    unit = row.pool  # money columns are in the pool's currency
    fixed = fixed_cells(p, snap.venue, row.hypothetical, unit, _TIP_COLUMNS)
    distance = h.distance_to_liquidation if h else None
    exch_maint = h.exchange_maintenance_margin if h else p.exchange_maintenance_margin
    exch_liq = h.exchange_liquidation_price if h else None
    exch_liq = p.exchange_liquidation_price if exch_liq is None else exch_liq
    roe = _roe(fixed, h)
    leverage = tf.effective_leverage(p, h, pool_leverage)
    display = (
        fixed.symbol,
        fixed.side,
        fixed.size,
        mark_cell(fmt.price(h.mark_price if h else p.mark_price), row.mark_source, row.mark_at),
        fmt.money(h.unrealized_pnl, unit=unit) if h else fmt.UNKNOWN,
        fmt.percent(roe, signed=True),
        liq_text(row, whatif),
        fmt.price(exch_liq),
        fmt.percent(distance),
        _leverage_text(leverage),
        fixed.margin_text,
        fixed.entry,
        fixed.break_even_text,
        fmt.health(h.health_ratio) if h else fmt.UNKNOWN,
        fmt.money(h.maintenance_margin, unit=unit) if h else fmt.UNKNOWN,
        fmt.money(exch_maint, unit=unit),
        fmt.money(h.notional, unit=unit) if h else fmt.UNKNOWN,
        row.pool or fmt.UNKNOWN,
        fixed.mode,
    )
    sort = (
        fixed.name, fixed.side, p.size, h.mark_price if h else None,
        h.unrealized_pnl if h else None, roe, h.liquidation_price if h else None, exch_liq,
        distance, leverage, fixed.margin, p.entry_price, fixed.break_even,
        h.health_ratio if h else None, h.maintenance_margin if h else None, exch_maint,
        h.notional if h else None, row.rank, fixed.mode,
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
    cells = []
    if current:  # a stale row stays grey throughout: nothing in it reads as current
        cells.append((SIDE_COLUMN, LONG_COLOUR if p.side.sign > 0 else SHORT_COLOUR))
        if h is not None and math.isfinite(h.unrealized_pnl):
            pnl_colour = LONG_COLOUR if h.unrealized_pnl >= 0 else SHORT_COLOUR
            cells.extend([(PNL_COLUMN, pnl_colour), (ROE_COLUMN, pnl_colour)])
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
        cell_tooltip=fixed.tips,
    )


RenderOne = Callable[[PositionRow, AccountSnapshot, bool, tf.PoolLeverage | None], RenderedRow]


def render_positions(
    snap: AccountSnapshot, render: RenderOne | None = None
) -> tuple[list[PositionRow], list[RenderedRow]]:
    """Every row of `snap` (worst pool first), and each rendered (by `render`, else
    render_position)."""
    render = render or render_position
    rows = position_rows(snap)
    whatif = has_active_whatif(snap)
    levers = _pools_leverage(snap)
    rendered = [
        render(r, snap, whatif, levers[r.rank] if r.rank < len(levers) else None) for r in rows
    ]
    return rows, rendered


def clock_shown(rows: list[PositionRow]) -> bool:
    """A row shows how old its typed mark is ("typed 3 h ago"): its text moves on with time."""
    return any(r.mark_source == TYPED and r.mark_at is not None for r in rows)
