"""The cells of a position row that do not move with the marks, rendered once per position.

A refresh re-renders every row of the shown account (4 a second), and each row's symbol in the
venue's words, size, margin, entry and break-even, with their tooltips, took half of its
Python: they depend only on what the position is (symbol, side, size, entry, leverage, mode,
fee), never on the marks. They are kept by those fields, so a position that changes (an
added size, a new entry, another leverage) is rendered anew, and one that does not is looked
up.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from monitor.domain.model import Position
from monitor.ui import formatting as fmt
from monitor.ui import trader_figures as tf
from monitor.ui.venue_symbols import venue_symbol

_KEPT = 4096  # positions kept (a few accounts' books); past it the cache starts over


@dataclass(frozen=True, slots=True)
class FixedCells:
    name: str  # the symbol as the venue names it
    symbol: str  # its cell (a what-if row is marked so)
    side: str
    size: str
    margin: float | None
    margin_text: str
    entry: str
    break_even: float | None
    break_even_text: str
    roe_margin: float | None  # ROE's denominator (trader_figures.roe)
    mode: str
    tips: tuple[tuple[int, str], ...]  # per-column tooltips (see cell_tips)


_cache: dict[Hashable, FixedCells] = {}


def fixed_cells(
    p: Position, venue: str | None, hypothetical: bool, unit: str, columns: tuple[int, int, int]
) -> FixedCells:
    """`columns`: the symbol, size and leverage columns, for the tooltips."""
    key = (
        p.symbol, p.side, p.contracts, p.contract_size, p.inverse, p.entry_price, p.leverage,
        p.margin_mode, p.isolated_margin, p.close_fee_rate, venue, hypothetical, unit, columns,
    )  # fmt: skip
    cells = _cache.get(key)
    if cells is None:
        if len(_cache) >= _KEPT:
            _cache.clear()
        cells = _cache[key] = _render(p, venue, hypothetical, unit, columns)
    return cells


def _render(
    p: Position, venue: str | None, hypothetical: bool, unit: str, columns: tuple[int, int, int]
) -> FixedCells:
    name = venue_symbol(p.symbol, venue)
    margin = tf.initial_margin(p)
    break_even = tf.break_even(p)
    if p.leverage and p.leverage > 0 and p.entry_price > 0:
        roe_margin: float | None = tf.entry_notional(p) / p.leverage
    else:
        roe_margin = margin
    return FixedCells(
        name=name,
        symbol=f"◇ {name}  (what-if)" if hypothetical else name,
        side=p.side.value,
        size=tf.size_text(p, fmt.amount(p.contracts)),
        margin=margin,
        margin_text=fmt.money(margin, unit=unit),
        entry=fmt.price(p.entry_price),
        break_even=break_even,
        break_even_text=fmt.price(break_even),
        roe_margin=roe_margin,
        mode=p.margin_mode.value,
        tips=cell_tips(p, name, columns),
    )


def cell_tips(p: Position, name: str, columns: tuple[int, int, int]) -> tuple[tuple[int, str], ...]:
    """Details that do not change with the marks (a tooltip that did would restyle the row
    at every tick): the unified symbol, a size in contracts in coin, the set leverage."""
    symbol_column, size_column, leverage_column = columns
    tips = [(symbol_column, p.symbol if name == p.symbol else f"{p.symbol} (unified)")]
    if tf.counts_contracts(p):
        coin = "USD" if p.inverse else p.base
        tips.append(
            (size_column, f"{fmt.amount(p.contracts)} contracts × {fmt.amount(p.contract_size)}"
             f" = {fmt.amount(p.size)} {coin}")
        )  # fmt: skip
    mode = p.margin_mode.value
    set_leverage = f"set leverage {p.leverage:g}×" if p.leverage else "no set leverage known"
    tips.append((leverage_column, f"{mode} · {set_leverage}"))
    return tuple(tips)
