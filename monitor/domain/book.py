"""Column-wise (numpy) layout of many accounts' positions, built once per structural change.

Prices change every tick, structure rarely: `Book.build` does the per-position Python work once,
and the engine then evaluates any set of marks with array operations only.

Every position is described in a "price coordinate" z in which it is linear:
z = P for linear contracts, z = 1/P for inverse ones. Then, with q = contracts * contract_size,
  notional        = q * z                    (quote for linear, coin for inverse)
  unrealised PnL  = sigma * q * (z - z_entry) (sigma = side for linear, -side for inverse)
so one set of formulas serves both contract types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from monitor.domain.model import Account, MaintenanceBasis, MarginMode, Position

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Book:
    accounts: tuple[Account, ...]
    account_index: IntArray  # (n,) which account each position belongs to
    wallet: FloatArray  # (m,) cross wallet per account
    inverse_account: BoolArray  # (m,)
    sigma: FloatArray  # (n,) +1/-1 in z-coordinates
    side: FloatArray  # (n,) +1 long / -1 short
    q: FloatArray  # (n,) contracts * contract_size
    inverse: BoolArray  # (n,)
    z_entry: FloatArray  # (n,)
    isolated: BoolArray  # (n,)
    isolated_margin: FloatArray  # (n,) 0 for cross positions
    entry_basis: BoolArray  # (n,)
    fee: FloatArray  # (n,) close-fee rate added to the maintenance rate
    floors: FloatArray  # (n, K) padded with +inf
    rates: FloatArray  # (n, K)
    amounts: FloatArray  # (n, K)

    @property
    def size(self) -> int:
        return int(self.q.shape[0])

    @staticmethod
    def build(accounts: tuple[Account, ...] | list[Account]) -> Book:
        accounts = tuple(accounts)
        positions = [(i, p) for i, a in enumerate(accounts) for p in a.positions]
        n = len(positions)
        k = max((len(p.maintenance.tiers) for _, p in positions), default=1)
        floors = np.full((n, k), np.inf)
        rates = np.zeros((n, k))
        amounts = np.zeros((n, k))
        for row, (_, pos) in enumerate(positions):
            for j, tier in enumerate(pos.maintenance.tiers):
                floors[row, j] = tier.floor
                rates[row, j] = tier.rate
                amounts[row, j] = tier.amount
            # Notional below the first floor still uses the first bracket.
            floors[row, 0] = -np.inf

        def col(f: Callable[[Position], float]) -> FloatArray:
            return np.array([f(p) for _, p in positions], dtype=np.float64)

        side = col(lambda p: p.side.sign)
        inverse = np.array([p.inverse for _, p in positions], dtype=np.bool_)
        entry = col(lambda p: p.entry_price)
        return Book(
            accounts=accounts,
            account_index=np.array([i for i, _ in positions], dtype=np.int64),
            wallet=np.array([a.wallet_balance for a in accounts], dtype=np.float64),
            inverse_account=np.array([a.inverse for a in accounts], dtype=np.bool_),
            sigma=np.where(inverse, -side, side),
            side=side,
            q=col(lambda p: p.contracts * p.contract_size),
            inverse=inverse,
            z_entry=np.where(inverse, 1.0 / entry, entry),
            isolated=np.array(
                [p.margin_mode is MarginMode.ISOLATED for _, p in positions], dtype=np.bool_
            ),
            isolated_margin=col(lambda p: p.isolated_margin or 0.0),
            entry_basis=np.array(
                [p.maintenance_basis is MaintenanceBasis.ENTRY for _, p in positions],
                dtype=np.bool_,
            ),
            fee=col(lambda p: p.close_fee_rate),
            floors=floors,
            rates=rates,
            amounts=amounts,
        )

    def marks(self) -> FloatArray:
        """The marks stored in the positions themselves."""
        return np.array(
            [p.mark_price for a in self.accounts for p in a.positions], dtype=np.float64
        )

    def to_z(self, prices: FloatArray) -> FloatArray:
        return np.where(self.inverse, 1.0 / prices, prices)

    def from_z(self, z: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            return np.where(self.inverse, 1.0 / z, z)
