"""One market, one mark: the rows of one symbol in one account are valued at a single mark,
and its cross lots on one side are one position for the maintenance brackets.

A venue quotes one mark price per market, so its hedge legs always agree. Rows typed by hand
do not have to: two manual lots of BTC typed at 58,000 and 60,000, or a what-if typed at a
different mark from the held position. Valued apart they would give two liquidation prices
for what is one market (and moves of one price solved as if independent). Every row of a
symbol therefore takes the mark of its "lead": the first held (not hypothetical) row of that
symbol in the account, else its first row — a what-if takes the held position's mark, two
typed rows the first one's. The engine says so in a note when the marks it was given differ.

A venue also holds one position per symbol and side: lots of it (typed apart, or a what-if
adding to a held position) take their maintenance bracket from their joint notional. At one mark
each lot's notional is a fixed share of the joint one (its contracts' share; at the entry basis,
its entry notional's share), so scaling a lot's bracket floors and deductions by its share gives
each lot its part of the joint maintenance — and every solver, which brackets a row by its own
notional, brackets the lots together without knowing of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from monitor.domain.model import MaintenanceBasis, MarginMode, Position

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def mark_leads(positions: Sequence[tuple[int, Position]]) -> IntArray:
    """(n,) for each (account, position) row, the row whose mark it takes."""
    first: dict[tuple[int, str], int] = {}
    held: dict[tuple[int, str], int] = {}
    for row, (i, p) in enumerate(positions):
        key = (i, p.symbol)
        first.setdefault(key, row)
        if not p.hypothetical:
            held.setdefault(key, row)
    leads = [held.get((i, p.symbol), first[(i, p.symbol)]) for i, p in positions]
    return np.array(leads, dtype=np.int64)


def _price(value: float) -> str:
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6g}"


def mark_notes(
    symbols: Sequence[str],
    hypothetical: Sequence[bool],
    account_index: IntArray,
    leads: IntArray,
    marks: FloatArray,
    accounts: int,
) -> list[tuple[str, ...]]:
    """Per account, a note for each symbol whose rows were given different marks, naming the
    mark used for all of them and why."""
    notes: list[list[str]] = [[] for _ in range(accounts)]
    with np.errstate(invalid="ignore"):
        differ = np.flatnonzero(np.isfinite(marks) & (marks != marks[leads]))
    seen: set[int] = set()
    for row in differ.tolist():
        lead = int(leads[row])
        if lead in seen:
            continue
        seen.add(lead)
        rows = np.flatnonzero(leads == lead).tolist()
        given = sorted({marks[r] for r in rows if np.isfinite(marks[r])})
        whose = (
            "the held position's"
            if any(hypothetical[r] for r in rows) and not hypothetical[lead]
            else "the first row's"
        )
        notes[int(account_index[lead])].append(
            f"{symbols[lead]}: rows given different marks ("
            + ", ".join(_price(m) for m in given)
            + f"); one market has one mark, so {'both' if len(rows) == 2 else 'all'} are "
            f"valued at {_price(float(marks[lead]))} ({whose}) and move as one"
        )
    return [tuple(n) for n in notes]


def lot_shares(positions: Sequence[tuple[int, Position]]) -> FloatArray:
    """(n,) each row's share of the basis notional of its position: the cross rows of one
    symbol and side in an account with one maintenance table form one position (1.0: a row
    alone). Rows with different tables (hand-typed rates) cannot be one bracket: kept apart."""
    lots: dict[tuple[object, ...], list[int]] = {}
    weight = []
    for row, (i, p) in enumerate(positions):
        entry = p.maintenance_basis is MaintenanceBasis.ENTRY
        z_entry = 1.0 / p.entry_price if p.inverse else p.entry_price
        weight.append(p.contracts * p.contract_size * (z_entry if entry else 1.0))
        if p.margin_mode is MarginMode.CROSS:
            key = (i, p.symbol, p.side, p.maintenance.tiers, entry, p.close_fee_rate, p.inverse)
            lots.setdefault(key, []).append(row)
    share = np.ones(len(positions))
    for rows in lots.values():
        total = sum(weight[r] for r in rows)
        if len(rows) > 1 and total > 0:
            share[rows] = [weight[r] / total for r in rows]
    return share
