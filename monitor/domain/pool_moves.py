"""Every plain pool's liquidating moves at once (the mark-tick path).

A plain pool — no collateral moving with a price, no multi-asset settle — has, as a function of
the common multiplier u of its cross positions' price coordinates (u = t linear, u = 1/t
inverse), margin balance minus maintenance

    f(u) = wallet - sum(sigma q zE) - sum(entry-basis mm) + sum(amount_k)
           + (sum(sigma q z0) - sum((rate_k + fee) q z0)) * u

with k each mark-basis row's bracket at notional q z0 u. f is linear between bracket boundaries
and changes slope and intercept by a known step at each, so walking outwards from u = 1 is a
cumulative sum over the boundaries sorted by distance: every pool of the book in one sort,
instead of one walk per pool (liquidation.move_roots, which also handles the pools this does
not). The first change of sign along each walk is the root.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.domain.book import Book, BoolArray, FloatArray, IntArray
from monitor.domain.liquidation import _INVERSE_FLOOR, MOVE_DOWN_LIMIT, MOVE_UP_LIMIT
from monitor.domain.maintenance import bracket_index, take


def plain_pools(book: Book) -> BoolArray:
    """(m,) pools this module solves: no collateral rows and no settle assets."""
    m = len(book.accounts)
    plain = np.ones(m, dtype=np.bool_)
    plain[book.coll_account] = False
    plain[book.asset_account] = False
    return plain


@dataclass(frozen=True)
class PlainRows:
    """What plain_moves takes from the book alone (not the marks) for one set of pools: kept
    with the book (Book.plain_rows_by_pools), so a mark tick does not gather it again."""

    rows: IntArray  # the pools' cross rows
    pool: IntArray  # each row's pool, as an index into `pools`
    q: FloatArray
    sigma: FloatArray
    const_entry: FloatArray  # -sigma q zE
    mark: BoolArray  # mark-basis rows
    floors: FloatArray
    rates: FloatArray  # with the close fee
    amounts: FloatArray
    d_alpha: FloatArray
    d_rate: FloatArray  # rate_j - rate_{j-1}, per boundary


def plain_rows(book: Book, pools: IntArray) -> PlainRows:
    cache = book.plain_rows_by_pools
    key = pools.tobytes()
    hit = cache.get(key)
    if hit is not None:
        return hit
    m, k = len(book.accounts), len(pools)
    slot = np.full(m, -1, dtype=np.int64)
    slot[pools] = np.arange(k)
    rows = np.flatnonzero(~book.isolated & (slot[book.account_index] >= 0))
    q, sigma = book.q[rows], book.sigma[rows]
    rates = book.rates[rows] + book.fee[rows][:, None]
    amounts = book.amounts[rows]
    made = PlainRows(
        rows=rows,
        pool=slot[book.account_index[rows]],
        q=q,
        sigma=sigma,
        const_entry=-sigma * q * book.z_entry[rows],
        mark=~book.entry_basis[rows],
        floors=book.floors[rows],
        rates=rates,
        amounts=amounts,
        d_alpha=amounts[:, 1:] - amounts[:, :-1],
        d_rate=rates[:, 1:] - rates[:, :-1],
    )
    if len(cache) < 8:  # a book is evaluated for one set of pools, rarely a few
        cache[key] = made
    return made


def plain_moves(
    book: Book, z: FloatArray, mm_entry: FloatArray, pools: IntArray
) -> tuple[FloatArray, FloatArray]:
    """(down, up) liquidating move of each of `pools` (plain ones; NaN: no move liquidates
    within -100 % ... +1000 %, or the pool is already at or below 1.0)."""
    k = len(pools)
    down = np.full(k, np.nan)
    up = np.full(k, np.nan)
    if k == 0:
        return down, up
    pr = plain_rows(book, pools)
    pool, q, sigma, mark = pr.pool, pr.q, pr.sigma, pr.mark
    qz = q * z[pr.rows]

    # f at u = 1 as alpha1 + beta1 * u, with each row's bracket at its mark.
    idx = bracket_index(pr.floors, qz)
    const = pr.const_entry + np.where(mark, take(pr.amounts, idx), -mm_entry[pr.rows])
    slope = sigma * qz - np.where(mark, take(pr.rates, idx) * qz, 0.0)
    alpha1: FloatArray = book.wallet[pools] + np.bincount(pool, const, k)
    beta1: FloatArray = np.bincount(pool, slope, k).astype(np.float64)
    healthy = alpha1 + beta1 > 0

    # Bracket boundaries as u: crossing boundary j (between brackets j-1 and j) upwards adds
    # amount_j - amount_{j-1} to alpha and -(rate_j - rate_{j-1}) q z0 to beta.
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = pr.floors[:, 1:] / qz[:, None]
    d_beta = -pr.d_rate * qz[:, None]
    ok = np.isfinite(bound) & (bound > 0) & mark[:, None]
    b_pool = np.broadcast_to(pool[:, None], bound.shape)[ok]
    b_u, b_da, b_db = bound[ok], pr.d_alpha[ok], d_beta[ok]

    inverse = book.inverse_account[pools]
    # u-space ends of each walk: below 1 and above 1.
    low_end = np.where(inverse, 1.0 / (1.0 + MOVE_UP_LIMIT), 1.0 - MOVE_DOWN_LIMIT)
    high_end = np.where(inverse, 1.0 / _INVERSE_FLOOR, 1.0 + MOVE_UP_LIMIT)
    # Both walks in one pass (numpy's per-call cost is most of a tick's): walk j < k is pool
    # j's downward one, walk k + j its upward one.
    below = (b_u < 1.0) & (b_u > low_end[b_pool])
    above = (b_u > 1.0) & (b_u < high_end[b_pool])
    u_both = _first_sign_change(
        np.concatenate([alpha1, alpha1]),
        np.concatenate([beta1, beta1]),
        np.concatenate([b_pool[below], b_pool[above] + k]),
        np.concatenate([b_u[below], b_u[above]]),
        np.concatenate([-b_da[below], b_da[above]]),
        np.concatenate([-b_db[below], b_db[above]]),
        np.concatenate([low_end, high_end]),
    )
    u_low, u_high = u_both[:k], u_both[k:]
    u_low[~healthy] = np.nan
    u_high[~healthy] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        t_low = np.where(inverse, 1.0 / u_low, u_low)
        t_high = np.where(inverse, 1.0 / u_high, u_high)
    # Linear: u below 1 is a fall. Inverse: u = 1/t, so u above 1 is the fall.
    t_down = np.where(inverse, t_high, t_low)
    t_up = np.where(inverse, t_low, t_high)
    down = 1.0 - t_down
    up = t_up - 1.0
    has_rows = np.bincount(pool, minlength=k) > 0
    down[~has_rows] = np.nan
    up[~has_rows] = np.nan
    return down, up


def _first_sign_change(
    alpha1: FloatArray,
    beta1: FloatArray,
    b_pool: IntArray,
    b_u: FloatArray,
    b_da: FloatArray,
    b_db: FloatArray,
    u_end: FloatArray,
) -> FloatArray:
    """Walk each of k walks from u = 1 to its u_end through its boundaries (b_*: each
    strictly between 1 and its walk's end), adding each boundary's step to alpha and beta;
    the first u where f = alpha + beta u changes sign."""
    k = alpha1.shape[0]
    pool_ids = np.arange(k)
    # Events: each walk's start at u = 1, its boundaries, its end at u_end.
    ev_pool = np.concatenate([pool_ids, b_pool, pool_ids])
    ev_u = np.concatenate([np.ones(k), b_u, u_end])
    ev_da = np.concatenate([np.zeros(k), b_da, np.zeros(k)])
    ev_db = np.concatenate([np.zeros(k), b_db, np.zeros(k)])
    kind = np.concatenate(
        [np.zeros(k, np.int64), np.ones(b_u.size, np.int64), np.full(k, 2, np.int64)]
    )
    distance = np.abs(ev_u - 1.0)
    order = np.lexsort((distance, kind == 2, kind != 0, ev_pool))
    ev_pool, ev_u, kind = ev_pool[order], ev_u[order], kind[order]
    # Running sums per pool, each in its own row: one running sum over every pool would carry
    # the other pools' steps in its rounding.
    start = np.flatnonzero(kind == 0)  # one per pool, in pool order
    at = np.arange(ev_pool.size) - start[ev_pool]
    steps = np.zeros((2, k, int(at.max()) + 1))
    steps[0, ev_pool, at] = ev_da[order]
    steps[1, ev_pool, at] = ev_db[order]
    sums = np.cumsum(steps, axis=2)[:, ev_pool, at]
    alpha = alpha1[ev_pool] + sums[0]
    beta = beta1[ev_pool] + sums[1]

    # Segments: from each event (not an end) to the next event of its pool.
    seg = np.flatnonzero(kind != 2)
    a, b = ev_u[seg], ev_u[seg + 1]
    fa = alpha[seg] + beta[seg] * a
    fb = alpha[seg] + beta[seg] * b
    first_of_pool = kind[seg] == 0
    before = np.concatenate([[0.0], fb[:-1]])
    before = np.where(first_of_pool, fa, before)
    at_start = (fa == 0) | ((before > 0) != (fa > 0))
    inside = (fa > 0) != (fb > 0)
    hit = at_start | inside
    result = np.full(k, np.nan)
    if not hit.any():
        return result
    hits = np.flatnonzero(hit)
    hit_pool = ev_pool[seg[hits]]
    pools_hit, first = np.unique(hit_pool, return_index=True)
    i = hits[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(at_start[i], a[i], a[i] + fa[i] * (b[i] - a[i]) / (fa[i] - fb[i]))
    result[pools_hit] = root
    return result
