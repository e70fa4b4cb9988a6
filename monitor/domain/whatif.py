"""What-if questions about one pool: stress under a uniform move, largest safe new position."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from monitor.domain.book import Book, BoolArray, FloatArray
from monitor.domain.engine import evaluate_arrays
from monitor.domain.maintenance import bracket_index, take
from monitor.domain.model import Account, MarginMode, Position


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


def _health_with(account: Account, candidate: Position) -> float:
    """The health that limits the candidate: the pool's for cross, the lower of pool and own
    for isolated (its margin leaves the cross wallet)."""
    if candidate.margin_mode is MarginMode.ISOLATED:
        wallet = account.wallet_balance - (candidate.isolated_margin or 0.0)
        trial = replace(account, wallet_balance=wallet, positions=(*account.positions, candidate))
    else:
        trial = replace(account, positions=(*account.positions, candidate))
    ev = evaluate_arrays(Book.build((trial,)))
    pool = float(ev.account_health[0])
    own = float(ev.position_health[-1])
    values = [v for v in (pool, own) if np.isfinite(v)]
    return min(values) if values else float("inf")


def largest_safe_size(
    account: Account, candidate: Position, min_health: float, *, rel_tol: float = 1e-9
) -> float:
    """Largest `contracts` for the candidate that keeps health at or above `min_health`.

    0.0 when even the smallest position breaks the limit (or the pool already does).
    Health falls as the size grows (maintenance grows with notional), so a bracketing
    search followed by bisection finds the boundary.
    """

    def safe(size: float) -> bool:
        return _health_with(account, replace(candidate, contracts=size)) >= min_health

    tiny = max(candidate.contracts, 1e-12) * 1e-9
    if not safe(tiny):
        return 0.0
    lo, hi = tiny, max(candidate.contracts, tiny * 2)
    while safe(hi):
        lo, hi = hi, hi * 2
        if hi > 1e18:  # the pool never reaches the limit (no maintenance growth)
            return float("inf")
    while (hi - lo) > rel_tol * hi:
        mid = (lo + hi) / 2
        if safe(mid):
            lo = mid
        else:
            hi = mid
    return lo
