"""Rows that move with one price, solved together (Book.groups).

Two things move together with a position's price besides the position itself: the other legs
of its symbol in the same cross pool (hedge legs, two typed lots, a what-if on a held symbol:
one market has one mark, see market_marks.py, and so one liquidation price) and the pool's
collateral in the position's base asset (BTC held as margin falls with a BTC long).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from monitor.domain.model import Account, MarginMode, Position

if TYPE_CHECKING:  # annotations only: book.py imports this module
    from monitor.domain.book import IntArray


@dataclass(frozen=True)
class Group:
    """Rows that move with one price: the cross legs of one symbol in one pool, plus that pool's
    collateral in the symbol's base asset (indices into the collateral arrays)."""

    account: int
    rows: IntArray
    collateral: IntArray


def move_groups(
    accounts: tuple[Account, ...], positions: list[tuple[int, Position]], one_mark: bool
) -> tuple[Group, ...]:
    """Cross legs of one symbol in one pool (they share its one mark: hedge legs, typed lots, a
    what-if beside a held position), or a symbol whose base asset the pool holds as
    collateral. Without `one_mark`, only legs quoted at the same mark move together."""
    by_key: dict[tuple[int, str, float], list[int]] = {}
    for row, (i, p) in enumerate(positions):
        if p.margin_mode is MarginMode.CROSS:
            by_key.setdefault((i, p.symbol, 0.0 if one_mark else p.mark_price), []).append(row)
    coll_index: dict[tuple[int, str], list[int]] = {}
    c = 0
    for i, a in enumerate(accounts):
        for col in a.collaterals:
            coll_index.setdefault((i, col.asset), []).append(c)
            c += 1
    groups = []
    for (i, _, _), rows in by_key.items():
        base = positions[rows[0]][1].base
        linear = not positions[rows[0]][1].inverse
        # Collateral moves in proportion to price, linear in z only for linear contracts.
        coll = coll_index.get((i, base), []) if linear else []
        # In a multi-asset pool an asset's equity can change sign on the way: every symbol
        # goes through the piecewise solver.
        if len(rows) > 1 or coll or accounts[i].settle_assets:
            groups.append(Group(i, np.array(rows, dtype=np.int64), np.array(coll, dtype=np.int64)))
    return tuple(groups)
