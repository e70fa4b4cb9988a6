"""What-if questions about one pool: stress under a uniform move (the largest safe new
position: safe_size.py)."""

from __future__ import annotations

import numpy as np

from monitor.domain.book import Book, BoolArray, FloatArray
from monitor.domain.maintenance import bracket_index, take
from monitor.domain.model import Account


def stress_curve(account: Account, moves: FloatArray) -> FloatArray:
    """Pool health when every cross mark moves by the fraction m (P -> P*(1+m)), for each m.

    NaN where the pool has no maintenance requirement. Isolated positions do not touch the pool.
    """
    book = Book.build((account,))
    cross = ~book.isolated
    moves = np.asarray(moves, dtype=np.float64)
    marks = book.marks()[cross][:, None] * (1.0 + moves[None, :])  # (n, M)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = book.inverse[cross][:, None]
        z = np.where(inverse, 1.0 / marks, marks)
        q = book.q[cross][:, None]
        pnl = book.sigma[cross][:, None] * q * (z - book.z_entry[cross][:, None])
        basis = q * np.where(book.entry_basis[cross][:, None], book.z_entry[cross][:, None], z)
        idx = bracket_index(book.floors[cross], basis)
        rate = take(book.rates[cross], idx) + book.fee[cross][:, None]
        mm = (basis * rate - take(book.amounts[cross], idx)) * book.mm_weight()[cross][:, None]
        # Collateral prices move with the market too.
        collateral = float(book.collateral_value().sum()) * (1.0 + moves)
        balance = account.wallet_balance + collateral + _pnl_value(book, cross, pnl)
        maintenance = mm.sum(axis=0)
        health: FloatArray = np.where(maintenance > 0, balance / maintenance, np.nan)
    return health


def _pnl_value(book: Book, cross: BoolArray, pnl: FloatArray) -> FloatArray:
    """(M,) what the cross PnL counts for in the pool: as is, or through each settle asset's
    equity at its bid or ask (multi-asset pools)."""
    asset = book.pos_asset[cross]
    total: FloatArray = pnl[asset < 0].sum(axis=0)
    for a in range(book.asset_wallet.size):
        equity = book.asset_wallet[a] + pnl[asset == a].sum(axis=0)
        total = total + equity * np.where(equity > 0, book.asset_bid[a], book.asset_ask[a])
    return total
