"""One market, one mark: the rows of one symbol in one account are valued at a single mark.

A venue quotes one mark price per market, so its hedge legs always agree. Rows typed by hand
do not have to: two manual lots of BTC typed at 58,000 and 60,000, or a what-if typed at a
different mark from the held position. Valued apart they would give two liquidation prices
for what is one market (and moves of one price solved as if independent). Every row of a
symbol therefore takes the mark of its "lead": the first held (not hypothetical) row of that
symbol in the account, else its first row — a what-if takes the held position's mark, two
typed rows the first one's. The engine says so in a note when the marks it was given differ.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from monitor.domain.model import Position

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
