"""Maintenance margin and bracket lookup, vectorised over a Book."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: book.py imports this module (Book.mm_entry)
    from monitor.domain.book import Book, FloatArray, IntArray


def bracket_index(floors: FloatArray, notional: FloatArray) -> IntArray:
    """Index of the bracket containing each notional (floors inclusive).

    `floors` is (n, K) and `notional` (n,) or (n, S); the result has notional's shape.
    """
    if notional.ndim == 1:
        hits = floors <= notional[:, None]
    else:
        hits = floors[:, None, :] <= notional[:, :, None]
    index: IntArray = np.maximum(hits.sum(axis=-1) - 1, 0).astype(np.int64)
    return index


def take(table: FloatArray, index: IntArray) -> FloatArray:
    """table[i, index[i, ...]] for a per-row index of any trailing shape.

    Indexed directly: np.take_along_axis builds its index arrays in Python at each call, and a
    mark tick calls this four times."""
    rows = np.arange(table.shape[0])
    picked: FloatArray = table[rows if index.ndim == 1 else rows[:, None], index]
    return picked


def maintenance_margin(book: Book, z: FloatArray) -> FloatArray:
    """Each position's maintenance margin with its price coordinate at z.

    notional_at_basis * (rate + close_fee) - amount, bracket chosen by that notional.
    """
    basis_notional = book.q * np.where(book.entry_basis, book.z_entry, z)
    idx = bracket_index(book.floors, basis_notional)
    return basis_notional * (take(book.rates, idx) + book.fee) - take(book.amounts, idx)


def maintenance_rows(book: Book, z: FloatArray, rows: IntArray) -> FloatArray:
    """maintenance_margin for the given rows only (z for the whole book)."""
    basis = book.q[rows] * np.where(book.entry_basis[rows], book.z_entry[rows], z[rows])
    idx = bracket_index(book.floors[rows], basis)
    result: FloatArray = basis * (take(book.rates[rows], idx) + book.fee[rows]) - take(
        book.amounts[rows], idx
    )
    return result
