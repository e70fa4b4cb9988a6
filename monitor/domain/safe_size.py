"""The largest size of a new order that keeps its pool above a health and a move to liquidation,
solved in closed form per maintenance bracket of the order.

Adding s contracts of the order, the pool's margin balance minus h x maintenance at any set of
marks is

    phi(s) = A - h M + s (U - h w k_in_bracket) + h w amount_j        (j: the order's bracket)

with A, M the pool's balance and maintenance without the order, U the order's PnL per contract,
w the USD per unit of its maintenance, k its basis notional per contract x (rate_j + fee). So
within a bracket phi is linear in s and its root is closed form; with a continuous bracket table
phi is concave in s (rates rise with notional), so the safe sizes are [0, first root].

Limits, each a phi (the smallest root wins):
- health: at today's marks, h = the warning health;
- move: at the marks moved by -m and +m (all the pool's cross marks and collateral together),
  h = 1. Margin balance minus maintenance is concave along a uniform move (maintenance is convex
  in notional, PnL linear), so staying above 1.0 at both ends keeps it above 1.0 all the way;
- isolated: the order's own health and its own distance to liquidation likewise, its initial
  margin (notional / leverage) leaving the cross wallet;
- leverage: the typed leverage must not exceed the venue's maximum for the bracket the size
  lands in (max_leverage tables as given; bracket tables as 1 / (2 x rate), the relation of
  Binance's and Bybit's standard tables, since brackets here carry no leverage of their own).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from monitor.domain.book import Book, FloatArray
from monitor.domain.engine import evaluate_arrays
from monitor.domain.model import Account, MaintenanceBasis, MarginMode, Position

# Relative slack on the safe side: the size returned holds every limit after rounding.
_SAFE = 1e-9


@dataclass(frozen=True)
class SafeSize:
    contracts: float  # inf: no limit binds (no maintenance growth); 0: even a tiny order breaks one
    binding: str  # which limit binds: "health", "move down", "move up", "leverage", "own health",
    # "own move", "" (none) — in words for the trader via `reason`
    leverage: float | None  # the leverage the size was computed with (None: cross, none typed)

    @property
    def reason(self) -> str:
        return {
            "health": "the warning health",
            "move down": "the warning move (a fall)",
            "move up": "the warning move (a rise)",
            "leverage": "the venue's maximum leverage for that size",
            "own health": "the position's own warning health",
            "own move": "the position's own warning move",
            "wallet": "the margin the wallet can post",
            "already": "the pool, already past a warning limit",
            "": "no limit",
        }[self.binding]


def tier_max_leverage(position: Position) -> FloatArray:
    """(K,) the venue's maximum leverage in each of the position's brackets."""
    m = position.maintenance
    if m.kind == "max_leverage" and m.max_leverage:
        return np.full(len(m.tiers), float(m.max_leverage))
    rates = np.array([t.rate for t in m.tiers], dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.where(rates > 0, 1.0 / (2.0 * rates), np.inf)


def first_root(
    a: float,
    u: float,
    h: float,
    w: float,
    per: float,
    floors: FloatArray,
    rates: FloatArray,
    amounts: FloatArray,
) -> float:
    """Smallest s >= 0 with a + s u - h w (s per rate_j - amount_j) < 0, j the bracket of the
    notional s per (per: basis notional per contract, rates with the close fee); inf: none."""
    lo = floors / per  # each bracket's first size
    hi = np.append(lo[1:], np.inf)
    slope = u - h * w * per * rates
    const = a + h * w * amounts
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(slope < 0, -const / slope, np.inf)
        at_lo = const + slope * lo  # phi at each bracket's start: a jump below 0 at a floor
    root = np.where(at_lo < 0, np.maximum(lo, 0.0), np.maximum(root, lo))
    root = np.where(root < hi, root, np.inf)
    return float(root[lo < np.inf].min(initial=np.inf))


def _pool_at(book: Book, t: float) -> tuple[float, float]:
    """(margin balance, maintenance) of the book's one pool with every mark (one per symbol:
    an isolated row's too) and the pool's collateral at t times today's."""
    marks = book.marks() * t
    ev = evaluate_arrays(book, marks)
    unfollowed = float(book.collateral_value()[book.coll_ref < 0].sum())
    return float(ev.margin_balance[0]) + unfollowed * (t - 1.0), float(ev.account_maintenance[0])


def _market_mark(account: Account, candidate: Position) -> Position:
    """The order at its market's one mark: the pool's held row of the symbol decides."""
    same = [p for p in account.positions if p.symbol == candidate.symbol]
    held = [p for p in same if not p.hypothetical] or same
    return replace(candidate, mark_price=held[0].mark_price) if held else candidate


def largest_safe_size(
    account: Account,
    candidate: Position,
    min_health: float,
    min_move: float,
    *,
    leverage: float | None = None,
) -> SafeSize:
    """The largest `contracts` of `candidate` (its size ignored) that keeps its pool at or
    above `min_health` and at least `min_move` (a fraction) from liquidation both ways; for an
    isolated order also its own health and distance, its margin notional / `leverage` (needed
    for isolated: a fixed margin would size to the venue's maximum leverage).

    `leverage` (typed) also caps the size at the brackets whose maximum leverage allows it."""
    p = _market_mark(account, candidate)
    isolated = p.margin_mode is MarginMode.ISOLATED
    if isolated and not leverage:
        raise ValueError("an isolated order needs its leverage to size its margin")
    tiers = p.maintenance.tiers
    floors = np.array([t.floor for t in tiers], dtype=np.float64)
    floors[0] = 0.0
    rates = np.array([t.rate for t in tiers], dtype=np.float64) + p.close_fee_rate
    amounts = np.array([t.amount for t in tiers], dtype=np.float64)
    cs, sign = p.contract_size, p.side.sign

    def z(price: float) -> float:
        return 1.0 / price if p.inverse else price

    def per_contract(t: float) -> tuple[float, float]:
        """(PnL, basis notional) per contract with the order's mark at t times today's."""
        mark = p.mark_price * t
        pnl = (-sign if p.inverse else sign) * cs * (z(mark) - z(p.entry_price))
        basis = p.entry_price if p.maintenance_basis is MaintenanceBasis.ENTRY else mark
        return pnl, cs * z(basis)

    book = Book.build((account,))
    ask = {a.asset: a.ask for a in account.settle_assets}
    w = ask.get(p.settle, 1.0) if account.settle_assets else 1.0
    entry_notional = cs * z(p.entry_price)
    margin = entry_notional / leverage if leverage else 0.0  # initial margin per contract
    # The adverse end of the order's own move, and the pool's two ends (u: the order's t).
    adverse = 1.0 - min_move if p.side.sign > 0 else 1.0 + min_move
    limits: list[tuple[str, float]] = []
    scenarios = (
        ("health", 1.0, min_health),
        ("move down", 1.0 - min_move, 1.0),
        ("move up", 1.0 + min_move, 1.0),
    )
    for name, t, h in scenarios:
        balance, maintenance = _pool_at(book, t)
        if balance - h * maintenance < 0:
            return SafeSize(0.0, "already", leverage)
        pnl, per = per_contract(t)
        if isolated:  # only its margin leaves the pool (a pool without maintenance: its wallet)
            size = balance / margin - h * maintenance / margin
            limits.append((name if maintenance > 0 else "wallet", size))
            continue
        excess = balance - h * maintenance
        limits.append((name, first_root(excess, pnl, h, w, per, floors, rates, amounts)))
    if isolated:
        for name, t, h in (("own health", 1.0, min_health), ("own move", adverse, 1.0)):
            pnl, per = per_contract(t)
            own = first_root(0.0, margin + pnl, h, 1.0, per, floors, rates, amounts)
            limits.append((name, own))
    if leverage:
        _, per = per_contract(1.0)
        too_high = np.flatnonzero(tier_max_leverage(p) < leverage)
        if too_high.size:
            limits.append(("leverage", floors[too_high[0]] / per))
    name, size = min(limits, key=lambda item: item[1])
    if not math.isfinite(size):
        return SafeSize(math.inf, "", leverage)
    return SafeSize(max(0.0, size * (1.0 - _SAFE)), name, leverage)
