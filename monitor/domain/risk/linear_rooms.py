"""Every unit's room on every step of a chunk of paths at once, by the book's z-coordinates.

In z (z = P linear, 1/P inverse) a position's PnL is linear and, inside one maintenance bracket,
so is its maintenance (engine.py, pool_moves.py). Each position's z along a path is its mark's
z times x, x the ratio of its symbol's price to now (linear) or its inverse (inverse contracts).
So, while every position stays in the bracket it is in now, a plain pool's room is

    room = C + sum_f coef_f * x_f        (x_f: one feature per symbol and kind)

one matrix product for every unit, step and path. A position can only leave its bracket on a
path where its symbol's price leaves the band [floor_k, floor_k+1) / notional: those (few)
paths get that position's exact maintenance, bracket looked up at every step. Pools whose room
is not linear in z — settle assets counted at bid or ask by sign — are left to path_rooms.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.domain.book import Book, FloatArray, IntArray
from monitor.domain.maintenance import bracket_index, maintenance_margin, take
from monitor.domain.risk.path_rooms import Unit


@dataclass(frozen=True)
class _Tiered:
    """A mark-basis position whose table has more than one bracket: where it must be redone."""

    row: int
    unit: int  # column of its unit in `units`
    feature: int
    lo: float  # x band of its current bracket
    hi: float
    weight: float
    bracket: int


class LinearRooms:
    """Rooms of `units` (plain ones only: see `linear`) on feature paths."""

    def __init__(self, book: Book, column: IntArray, units: list[Unit], n_sym: int) -> None:
        self.book = book
        self.units = units
        self.n_sym = n_sym
        self.inverse_used = bool(book.inverse.any())
        self.features = n_sym * (2 if self.inverse_used else 1)
        b = book
        z0 = b.to_z(b.mark0)
        mm_entry = maintenance_margin(b, b.z_entry)
        idx = bracket_index(b.floors, b.q * z0)
        c = take(b.rates, idx) + b.fee
        amount = take(b.amounts, idx)
        weight = np.where(b.isolated, 1.0, b.mm_weight())  # isolated: in its own units
        slope = np.where(b.entry_basis, b.sigma * b.q, b.q * (b.sigma - c))  # per unit of z
        const = -b.sigma * b.q * b.z_entry + np.where(b.entry_basis, -mm_entry, amount)
        feature = np.where(b.inverse, n_sym + column, column)
        self.const = np.zeros(len(units))
        self.coef = np.zeros((self.features, len(units)))
        tiered = []
        finite = np.isfinite(b.floors).sum(axis=1)  # floors[0] is -inf, padding +inf
        for u, unit in enumerate(units):
            if unit.row is None:
                i = unit.account
                self.const[u] = b.wallet[i]
                for k in np.flatnonzero(b.coll_account == i).tolist():
                    value = b.coll_units[k] * b.coll_price[k]
                    ref = int(b.coll_ref[k])
                    if ref >= 0:
                        self.coef[column[ref], u] += value
                    else:
                        self.const[u] += value
            else:
                self.const[u] = b.isolated_margin[unit.row]
            for r in unit.rows:
                self.const[u] += weight[r] * const[r]
                self.coef[feature[r], u] += weight[r] * slope[r] * z0[r]
                if not b.entry_basis[r] and finite[r] > 1:
                    qz = b.q[r] * z0[r]
                    lo = b.floors[r, idx[r]] / qz
                    hi = b.floors[r, idx[r] + 1] / qz if idx[r] + 1 < b.floors.shape[1] else np.inf
                    tiered.append(
                        _Tiered(r, u, int(feature[r]), lo, hi, float(weight[r]), int(idx[r]))
                    )
        self.tiered = tiered

    @staticmethod
    def linear(book: Book, unit: Unit) -> bool:
        """A unit whose room is linear in z between brackets (no settle assets)."""
        return unit.row is not None or not (book.asset_account == unit.account).any()

    def feature_paths(self, ratios: FloatArray) -> FloatArray:
        """(features, paths, steps): the ratios, and their inverses when the book has inverse
        contracts."""
        if not self.inverse_used:
            return ratios
        return np.concatenate([ratios, 1.0 / ratios])

    def rooms(self, x: FloatArray) -> FloatArray:
        """(units, paths, steps) room of every unit along feature paths `x`."""
        f, s, t = x.shape
        rooms = np.empty((len(self.units), s, t))
        # A unit moved by one or two symbols (an isolated position) costs an axpy; the others
        # share one matrix product.
        nonzero = self.coef != 0
        few = nonzero.sum(axis=0) <= 2
        many = np.flatnonzero(~few)
        if many.size:
            product = self.coef[:, many].T @ x.reshape(f, s * t)
            rooms[many] = product.reshape(many.size, s, t)
        for u in np.flatnonzero(few).tolist():
            rooms[u] = 0.0
            for j in np.flatnonzero(nonzero[:, u]).tolist():
                rooms[u] += self.coef[j, u] * x[j]
        rooms += self.const[:, None, None]
        if self.tiered:
            lo_x, hi_x = x.min(axis=2), x.max(axis=2)  # (features, paths)
            b = self.book
            for tier in self.tiered:
                out = (lo_x[tier.feature] < tier.lo) | (hi_x[tier.feature] >= tier.hi)
                paths = np.flatnonzero(out)
                if not paths.size:
                    continue
                # Exact maintenance where it left its bracket, in place of the linear one.
                r = tier.row
                notional = b.q[r] * b.to_z(b.mark0[r : r + 1])[0] * x[tier.feature, paths]
                floors = b.floors[r]
                k = np.maximum(np.searchsorted(floors, notional, side="right") - 1, 0)
                c = b.rates[r] + b.fee[r]
                exact = notional * c[k] - b.amounts[r][k]
                linear = notional * c[tier.bracket] - b.amounts[r][tier.bracket]
                rooms[tier.unit, paths] += tier.weight * (linear - exact)
        return rooms
