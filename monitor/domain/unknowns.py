"""What the engine cannot judge: positions without a usable mark or maintenance figure, and the
cross pools holding them.

A mark of 0 (a venue's glitch) would give a PnL of the whole notional and a health that means
nothing; a position with no maintenance table would count as needing no margin and make its
pool look safer than it is. Either makes the position unknown, and a cross position's whole
pool with it (its health depends on every position in it); an isolated position stands alone.
Everything else in the account is still computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.domain.book import Book, BoolArray, FloatArray


@dataclass(frozen=True)
class Unknowns:
    row: list[str | None]  # why each position is unknown (None: it is known)
    pool: list[str | None]  # why each pool is unknown
    bad_mark: BoolArray  # (n,) rows whose mark cannot be used at all


def usable(marks: FloatArray) -> BoolArray:
    with np.errstate(invalid="ignore"):
        ok: BoolArray = np.isfinite(marks) & (marks > 0)
    return ok


def stand_in_marks(book: Book, marks: FloatArray, bad: BoolArray) -> FloatArray:
    """Marks the arithmetic can run on: an unusable one replaced by the entry price (the
    figures of its rows are discarded as unknown; this only keeps the rest finite)."""
    entry = book.from_z(book.z_entry)
    fallback = np.where(np.isfinite(entry) & (entry > 0), entry, 1.0)
    result: FloatArray = np.where(bad, fallback, marks)
    return result


def find_unknowns(
    book: Book, marks: FloatArray, bad: BoolArray, own_mm: FloatArray, pool_mm: FloatArray
) -> Unknowns | None:
    """The unknowns of this evaluation, or None when everything can be judged (the usual
    case, checked with a few array operations)."""
    columns = book.report_columns
    cross = ~book.isolated
    m = len(book.accounts)
    holds_cross = np.bincount(book.account_index[cross], minlength=m) > 0
    no_pool_mm = holds_cross & ~(pool_mm > 0)
    no_own_mm = book.isolated & ~(own_mm > 0)
    static = book.static_unknown
    if not (bad.any() or no_pool_mm.any() or no_own_mm.any() or static):
        return None

    row: list[str | None] = list(columns.unknown)
    marks_l = marks.tolist()
    for r in np.flatnonzero(bad).tolist():
        row[r] = f"no usable mark (the venue gave {marks_l[r]:g})"
    for r in np.flatnonzero(no_own_mm & ~bad).tolist():
        row[r] = row[r] or "no maintenance figure"
    labelled = [
        None if reason is None else f"{columns.symbol[r]} {columns.side[r].value}: {reason}"
        for r, reason in enumerate(row)
    ]
    pool: list[str | None] = [None] * m
    acct = book.account_index.tolist()
    isolated = book.isolated.tolist()
    for r, reason in enumerate(labelled):
        if reason is not None and not isolated[r] and pool[acct[r]] is None:
            pool[acct[r]] = reason
    for i in np.flatnonzero(no_pool_mm).tolist():
        if pool[i] is None:
            pool[i] = "no maintenance figure for the positions it holds"
    # A cross position of an unknown pool is unknown with it, for the pool's reason.
    for r in range(len(row)):
        if row[r] is None and not isolated[r] and pool[acct[r]] is not None:
            labelled[r] = pool[acct[r]]
    return Unknowns(labelled, pool, bad)
