"""A pool's room (margin balance minus maintenance; <= 0 liquidates) along whole price paths.

The same formulas as engine.evaluate_arrays, in the book's z-coordinates, evaluated on
(paths, steps) arrays of marks one position at a time: each position's maintenance bracket is
looked up at *its price at every step*, so a path that walks a position into a higher bracket
is judged with that bracket's rate. One unit is a cross pool (every cross position, its
collateral moving with the mark it follows, its settle assets counted at bid or ask) or one
isolated position (its isolated margin against its own maintenance, in its own units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.domain.book import Book, FloatArray, IntArray


@dataclass(frozen=True)
class Unit:
    """What can be liquidated on its own: a cross pool (`row` None) or an isolated row."""

    account: int
    row: int | None
    rows: tuple[int, ...]  # the positions whose prices move its room


def units_of(book: Book) -> list[Unit]:
    """Every cross pool holding a cross position, then every isolated position."""
    units = []
    for i in range(len(book.accounts)):
        rows = np.flatnonzero((book.account_index == i) & ~book.isolated)
        if rows.size:
            units.append(Unit(i, None, tuple(rows.tolist())))
    for r in np.flatnonzero(book.isolated).tolist():
        units.append(Unit(int(book.account_index[r]), r, (r,)))
    return units


class PathRooms:
    """Evaluates units' rooms on price-ratio paths; `column[r]` is the ratio column of row r."""

    def __init__(self, book: Book, column: IntArray) -> None:
        self.book = book
        self.column = column
        self.weight = book.mm_weight()

    def _pnl_and_mm(self, r: int, ratios: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Row r's PnL and maintenance (in its settle units) at mark0 * its ratio path."""
        b = self.book
        price = b.mark0[r] * ratios[self.column[r]]
        z = 1.0 / price if b.inverse[r] else price
        pnl = b.sigma[r] * b.q[r] * (z - b.z_entry[r])
        basis = b.q[r] * b.z_entry[r] if b.entry_basis[r] else b.q[r] * z
        floors = b.floors[r]
        idx = np.maximum(np.searchsorted(floors, basis, side="right") - 1, 0)
        mm = basis * (b.rates[r][idx] + b.fee[r]) - b.amounts[r][idx]
        return pnl, mm

    def room(self, unit: Unit, ratios: FloatArray) -> FloatArray:
        """(paths, steps) room of `unit` along `ratios` (n_cols, paths, steps)."""
        b = self.book
        shape = ratios.shape[1:]
        if unit.row is not None:
            pnl, mm = self._pnl_and_mm(unit.row, ratios)
            room: FloatArray = b.isolated_margin[unit.row] + pnl - mm
            return room
        i = unit.account
        room = np.full(shape, float(b.wallet[i]))
        for c in np.flatnonzero(b.coll_account == i).tolist():
            value = b.coll_units[c] * b.coll_price[c]
            ref = int(b.coll_ref[c])
            room += value * ratios[self.column[ref]] if ref >= 0 else value
        equity = {
            int(a): np.full(shape, float(b.asset_wallet[a]))
            for a in np.flatnonzero(b.asset_account == i)
        }
        for r in unit.rows:
            pnl, mm = self._pnl_and_mm(r, ratios)
            asset = int(b.pos_asset[r])
            if asset < 0:
                room += pnl
            else:
                equity[asset] += pnl
            room -= mm * self.weight[r]
        for a, eq in equity.items():
            room += eq * np.where(eq > 0, b.asset_bid[a], b.asset_ask[a])
        return room

    def room_now(self, unit: Unit) -> float:
        """The unit's room at the marks the book carries (every ratio 1)."""
        cols = int(self.column.max()) + 1 if self.column.size else 1
        return float(self.room(unit, np.ones((cols, 1, 1)))[0, 0])
