"""Liquidation prices per position and the pool's liquidation moves.

Within one maintenance bracket, margin balance minus maintenance is linear in the price
coordinate z (see book.py), so each bracket has a closed-form root; the answer is the root
that lies inside its own bracket — the bracket *at the liquidation price*, not at mark.
"""

from __future__ import annotations

import numpy as np

from monitor.domain.book import Book, BoolArray, FloatArray, IntArray
from monitor.domain.maintenance import bracket_index, maintenance_rows, take
from monitor.domain.move_groups import Group

# Relative slack when testing that a root lies inside its bracket: a root on a bracket
# boundary must not fall through both neighbours by rounding.
_EDGE = 1e-12


def liquidation_z(
    book: Book, z: FloatArray, excess_others: FloatArray, mm_now: FloatArray
) -> FloatArray:
    """Price coordinate at which each position's pool reaches health 1.0 (NaN: none).

    `excess_others` is what the position's pool holds besides this position's own PnL and
    maintenance: for cross, wallet + others' PnL - others' maintenance (others at their marks);
    for isolated, the isolated margin. Solves X + sigma*q*(z - zE) - MM(z) = 0.
    """
    q, sigma = book.q, book.sigma
    x = excess_others - sigma * q * book.z_entry  # constant part of X + sigma*q*(z - zE)
    n, k = book.floors.shape
    result = np.full(n, np.nan)
    if n == 0:
        return result
    with np.errstate(divide="ignore", invalid="ignore"):
        # Entry basis: maintenance is a constant, fixed at the entry notional.
        z_entry_basis = (mm_now - x) / (sigma * q)

        # Mark basis: a candidate root per bracket, valid only inside that bracket.
        c = book.rates + book.fee[:, None]
        cand = (x[:, None] + book.amounts) / (q[:, None] * (c - sigma[:, None]))
        notional = q[:, None] * cand
        upper = np.concatenate([book.floors[:, 1:], np.full((n, 1), np.inf)], axis=1)
        lo = book.floors - np.abs(book.floors) * _EDGE
        hi = upper + np.abs(upper) * _EDGE
        valid = np.isfinite(cand) & (cand > 0) & (notional >= lo) & (notional < hi)
        # Among valid roots (one for a monotone pool, more only with odd tables) take the nearest.
        gap = np.where(valid, np.abs(cand - z[:, None]), np.inf)
        best = gap.argmin(axis=1)
        rows = np.arange(n)
        z_mark_basis = np.where(valid[rows, best], cand[rows, best], np.nan)

        # A table whose amounts are not continuous can jump over zero at a floor:
        # then the pool is liquidated exactly at that floor.
        missing = ~np.isfinite(z_mark_basis) & ~book.entry_basis
        if missing.any() and k > 1:
            z_mark_basis[missing] = _jump_roots(book, x, missing)

    result = np.where(book.entry_basis, z_entry_basis, z_mark_basis)
    return np.where(np.isfinite(result) & (result > 0), result, np.nan)


def _jump_roots(book: Book, x: FloatArray, rows: BoolArray) -> FloatArray:
    q = book.q[rows][:, None]
    sigma = book.sigma[rows][:, None]
    floors = book.floors[rows]
    rates = book.rates[rows] + book.fee[rows][:, None]
    amounts = book.amounts[rows]
    xr = x[rows][:, None]
    z_b = floors[:, 1:] / q  # bracket boundaries in z
    left = xr + sigma * q * z_b - (q * z_b * rates[:, :-1] - amounts[:, :-1])
    right = xr + sigma * q * z_b - (q * z_b * rates[:, 1:] - amounts[:, 1:])
    crossing = np.isfinite(z_b) & (z_b > 0) & (np.sign(left) != np.sign(right))
    first = np.where(crossing.any(axis=1), crossing.argmax(axis=1), -1)
    out = np.full(first.shape, np.nan)
    ok = first >= 0
    out[ok] = z_b[np.arange(len(first))[ok], first[ok]]
    return out


# The health report looks for moves within -100 % ... +1000 %.
MOVE_DOWN_LIMIT = 1.0
MOVE_UP_LIMIT = 10.0
# A hedge group's liquidation price is looked for up to this multiple of the mark.
GROUP_UP_LIMIT = 1e6
_INVERSE_FLOOR = 1e-12  # price multiplier standing in for a -100 % move on inverse contracts


def liquidation_moves(
    book: Book, z: FloatArray, account: int, mm_entry_all: FloatArray | None = None
) -> tuple[float | None, float | None]:
    """Nearest uniform fractional move (down, up) of all the pool's cross marks, and of its
    collateral's prices, to health 1.0."""
    moving = (book.account_index == account) & ~book.isolated
    if not moving.any():
        return None, None
    coll = np.flatnonzero(book.coll_account == account)
    t_down, t_up = move_roots(book, z, account, moving, coll, mm_entry_all, from_healthy=True)
    return (
        None if t_down is None else 1.0 - t_down,
        None if t_up is None else t_up - 1.0,
    )


def group_liquidation_t(
    book: Book, z: FloatArray, group: Group, mm_entry_all: FloatArray | None = None
) -> float | None:
    """Price multiplier t (P -> P*t) of the group's symbol at which its pool reaches 1.0, every
    leg of the symbol and the collateral in its base asset moving with it, the rest of the pool
    at its marks. The nearer of the roots below and above; None: no positive price liquidates."""
    moving = np.zeros(book.size, dtype=np.bool_)
    moving[group.rows] = True
    t_down, t_up = move_roots(
        book, z, group.account, moving, group.collateral, mm_entry_all, up_end=GROUP_UP_LIMIT
    )
    if t_down is not None and t_down <= 0:
        t_down = None
    inverse = bool(book.inverse[group.rows[0]])

    def gap(t: float | None) -> float:
        if t is None:
            return np.inf
        return abs((1.0 / t if inverse else t) - 1.0)  # compared in z, like single positions

    best = t_down if gap(t_down) <= gap(t_up) else t_up
    return best


def move_roots(
    book: Book,
    z: FloatArray,
    account: int,
    moving: BoolArray,
    coll_moving: IntArray,
    mm_entry_all: FloatArray | None = None,
    *,
    from_healthy: bool = False,
    up_end: float = 1.0 + MOVE_UP_LIMIT,
) -> tuple[float | None, float | None]:
    """First multiplier t below 1 and above 1 at which the pool's margin balance meets its
    maintenance when the `moving` rows' marks (and `coll_moving` collateral prices) scale by t
    and the pool's other cross rows stay at z.

    In u = t (linear) or u = 1/t (inverse) the pool's margin balance minus maintenance is linear
    between bracket boundaries, so the roots are found exactly by interpolation segment by
    segment, walking outwards from t = 1. With `from_healthy`, a pool already at or below 1.0
    has no move (None, None).
    """
    in_pool = (book.account_index == account) & ~book.isolated
    sel = moving & in_pool
    fixed = in_pool & ~moving
    inverse = bool(book.inverse_account[account])
    q, sigma, z0 = book.q[sel], book.sigma[sel], z[sel]
    floors, rates = book.floors[sel], book.rates[sel] + book.fee[sel][:, None]
    amounts = book.amounts[sel]
    entry_basis = book.entry_basis[sel]
    weight_all = book.mm_weight()  # USD per unit of maintenance (a settle asset's ask)
    weight = weight_all[sel]
    # Maintenance at the entry notional (what entry-basis positions keep whatever the move);
    # the caller computes it once for the whole book.
    if mm_entry_all is None:
        mm_entry_all = book.mm_entry
    mm_entry = mm_entry_all[sel] * weight
    z_entry = book.z_entry[sel]

    # What does not move: the wallet, the other cross rows at z, the other collateral.
    held = float(book.wallet[account])
    coll_slope = 0.0
    if book.coll_account.size:
        coll_value = book.collateral_value(book.from_z(z))
        in_account = book.coll_account == account
        moving_coll = np.zeros(coll_value.shape, dtype=np.bool_)
        if not inverse:  # collateral value is not linear in u = 1/t: held (no such venue pool)
            moving_coll[coll_moving] = True
        held += float(coll_value[in_account & ~moving_coll].sum())
        coll_slope = float(coll_value[in_account & moving_coll].sum())
    fixed_rows = np.flatnonzero(fixed)
    fixed_pnl = book.sigma[fixed_rows] * book.q[fixed_rows] * (z - book.z_entry)[fixed_rows]
    if fixed_rows.size:
        held -= float((maintenance_rows(book, z, fixed_rows) * weight_all[fixed_rows]).sum())

    # Unrealised PnL, per settle asset: equity c + d*u, counted at bid while positive and at
    # ask while negative (-1: a plain pool, counted at 1).
    assets = np.unique(
        np.concatenate([book.pos_asset[in_pool], np.flatnonzero(book.asset_account == account)])
    )
    sel_asset, fixed_asset = book.pos_asset[sel], book.pos_asset[fixed_rows]
    c = np.array(
        [
            (book.asset_wallet[a] if a >= 0 else 0.0)
            + fixed_pnl[fixed_asset == a].sum()
            - (sigma * q * z_entry)[sel_asset == a].sum()
            for a in assets
        ]
    )
    d = np.array([(sigma * q * z0)[sel_asset == a].sum() for a in assets])
    bid = np.array([book.asset_bid[a] if a >= 0 else 1.0 for a in assets])
    ask = np.array([book.asset_ask[a] if a >= 0 else 1.0 for a in assets])

    def pieces(u: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Margin balance minus maintenance as alpha + beta*u, with the brackets and the sides
        of zero of each asset's equity that hold at u."""
        idx = bracket_index(floors, q[:, None] * z0[:, None] * u[None, :])
        mark = ~entry_basis[:, None]
        equity = c[:, None] + d[:, None] * u[None, :]
        rate = np.where(equity > 0, bid[:, None], ask[:, None])
        alpha = (
            held
            + (rate * c[:, None]).sum(axis=0)
            - mm_entry[entry_basis].sum()
            + np.where(mark, weight[:, None] * take(amounts, idx), 0.0).sum(axis=0)
        )
        beta = (
            (rate * d[:, None]).sum(axis=0)
            + coll_slope
            - np.where(mark, (weight * q * z0)[:, None] * take(rates, idx), 0.0).sum(axis=0)
        )
        return alpha, beta

    if from_healthy:
        alpha_now, beta_now = pieces(np.array([1.0]))
        if alpha_now[0] + beta_now[0] <= 0:
            return None, None

    # Bracket boundaries, as u-multipliers.
    with np.errstate(divide="ignore", invalid="ignore"):
        bounds = floors[:, 1:] / (q * z0)[:, None]
    bounds = bounds[np.isfinite(bounds) & (bounds > 0) & ~entry_basis[:, None]]
    # ... and where an asset's equity changes sign.
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = np.where(d != 0, -c / d, np.nan)
    bounds = np.concatenate([bounds, kinks[np.isfinite(kinks) & (kinks > 0)]])

    def first_root(t_end: float) -> float | None:
        u_end = 1.0 / t_end if inverse else t_end
        lo, hi = sorted((1.0, u_end))
        inner = bounds[(bounds > lo) & (bounds < hi)]
        pts = np.unique(np.concatenate([[1.0, u_end], inner]))
        if u_end < 1.0:
            pts = pts[::-1]  # walk outwards from the current marks
        a, b = pts[:-1], pts[1:]
        # Evaluate each segment's linear piece at its ends with the brackets of its middle.
        alpha, beta = pieces((a + b) / 2)
        fa = alpha + beta * a
        fb = alpha + beta * b
        # The first change of side along the walk: at a segment's start (a jump at a bracket
        # floor, or the start itself on zero) or inside it.
        before = np.concatenate([[fa[0]], fb[:-1]])
        at_start = (fa == 0) | ((before > 0) != (fa > 0))
        inside = (fa > 0) != (fb > 0)
        hit = at_start | inside
        if not hit.any():
            return None
        i = int(hit.argmax())
        u_root = a[i] if at_start[i] else a[i] + fa[i] * (b[i] - a[i]) / (fa[i] - fb[i])
        return float(1.0 / u_root if inverse else u_root)

    down_end = _INVERSE_FLOOR if inverse else 1.0 - MOVE_DOWN_LIMIT
    return first_root(down_end), first_root(up_end)
