"""The largest size of a new order that keeps its pool above a health and a move to liquidation,
solved in closed form per maintenance bracket of the order.

Adding s contracts of the order, the pool's margin balance minus h x maintenance at any set of
marks is

    phi(s) = A - h M + s (U - h w k_in_bracket) + h w amount_j        (j: the order's bracket)

with A, M the pool's balance and maintenance without the order, U the order's PnL per contract,
w the USD per unit of its maintenance, k its basis notional per contract x (rate_j + fee). So
within a bracket phi is linear in s and its root is closed form; with a continuous bracket table
phi is concave in s (rates rise with notional), so the safe sizes are [0, first root]. An order
adding to a held cross position (same symbol, side and table) joins it: the bracket is that of
their joint notional, and the held lots' maintenance is solved for with it.

Limits, each a phi (the smallest root wins):
- health: at today's marks, h = the warning health;
- move: at the marks moved by -m and +m (all the pool's cross marks and collateral together),
  h = 1. Margin balance minus maintenance is concave along a uniform move (maintenance is convex
  in notional, PnL linear), so staying above 1.0 at both ends keeps it above 1.0 all the way;
- isolated: the order's own health and its own distance to liquidation likewise, its initial
  margin (notional / leverage) leaving the cross wallet;
- leverage: the typed leverage must not exceed the venue's maximum for the bracket the size
  lands in: the venue's own figure where its table gives one (OKX maxLever, Binance
  initialLeverage, Bybit maxLeverage; max_leverage tables as given), else derived as
  1 / (2 x rate), the relation of Binance's and Bybit's standard tables (OKX's is lower:
  100x at a 0.4 % rate, where the relation says 125x).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from monitor.domain.book import Book, BoolArray, FloatArray, IntArray
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
    # True: the binding maximum leverage was derived (1 / (2 x rate)), the venue gave none.
    leverage_derived: bool = False

    @property
    def reason(self) -> str:
        if self.binding == "leverage" and self.leverage_derived:
            return (
                "the maximum leverage for that size, taken as 1 / (2 × maintenance rate): "
                "the venue gave no maximum of its own"
            )
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


def tier_max_leverage(position: Position) -> tuple[FloatArray, BoolArray]:
    """(K,) the maximum leverage in each of the position's brackets, and (K,) whether it was
    derived (1 / (2 x rate)) because the venue gave none for that bracket."""
    m = position.maintenance
    if m.kind == "max_leverage" and m.max_leverage:
        return np.full(len(m.tiers), float(m.max_leverage)), np.zeros(len(m.tiers), dtype=bool)
    rates = np.array([t.rate for t in m.tiers], dtype=np.float64)
    given = np.array([t.max_leverage or np.nan for t in m.tiers], dtype=np.float64)
    derived = np.isnan(given)
    with np.errstate(divide="ignore"):
        fallback = np.where(rates > 0, 1.0 / (2.0 * rates), np.inf)
    return np.where(derived, fallback, given), derived


def first_root(
    a: float,
    u: float,
    h: float,
    w: float,
    per: float,
    floors: FloatArray,
    rates: FloatArray,
    amounts: FloatArray,
    held: float = 0.0,
) -> float:
    """Smallest s >= 0 with a + s u - h w (n rate_j - amount_j) < 0, n = held + s per the
    bracketed notional (per: the order's basis notional per contract; held: that of the lots
    of the same position already held, whose maintenance `a` leaves out) and j its bracket
    (rates with the close fee); inf: none."""
    start = np.maximum((floors - held) / per, 0.0)  # each bracket's first size
    end = np.append((floors[1:] - held) / per, np.inf)
    slope = u - h * w * per * rates
    const = a + h * w * (amounts - held * rates)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(slope < 0, -const / slope, np.inf)
    at_start = const + slope * start  # below 0 at a bracket's start: a jump at its floor
    root = np.where(at_start < 0, start, np.maximum(root, start))
    root = np.where((root < end) & (start < end), root, np.inf)
    return float(root.min(initial=np.inf))


def _pool_at(book: Book, t: float, lot: IntArray) -> tuple[float, float, float]:
    """(margin balance, maintenance, the `lot` rows' share of it) of the book's one pool with
    every mark (one per symbol: an isolated row's too) and the pool's collateral at t times
    today's."""
    marks = book.marks() * t
    ev = evaluate_arrays(book, marks)
    unfollowed = float(book.collateral_value()[book.coll_ref < 0].sum())
    balance = float(ev.margin_balance[0]) + unfollowed * (t - 1.0)
    return balance, float(ev.account_maintenance[0]), float(ev.maintenance[lot].sum())


def _lot_of(account: Account, order: Position) -> IntArray:
    """Rows the order would join as one position (one symbol, side and table, cross): its
    bracket is that of their joint notional (market_marks.lot_shares)."""
    if order.margin_mode is not MarginMode.CROSS:
        return np.zeros(0, dtype=np.int64)

    def key(p: Position) -> tuple[object, ...]:
        return (p.symbol, p.side, p.maintenance.tiers, p.maintenance_basis, p.close_fee_rate)

    rows = [
        r
        for r, p in enumerate(account.positions)
        if p.margin_mode is MarginMode.CROSS and key(p) == key(order)
    ]
    return np.array(rows, dtype=np.int64)


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
    lot = _lot_of(account, p)
    held = [account.positions[r] for r in lot.tolist()]

    def held_notional(t: float) -> float:
        """The basis notional of the lots the order joins, its mark at t times today's."""
        entry = p.maintenance_basis is MaintenanceBasis.ENTRY
        return float(
            sum(
                q.contracts * q.contract_size * z(q.entry_price if entry else p.mark_price * t)
                for q in held
            )
        )

    for name, t, h in scenarios:
        balance, maintenance, of_lot = _pool_at(book, t, lot)
        if balance - h * maintenance < 0:
            return SafeSize(0.0, "already", leverage)
        pnl, per = per_contract(t)
        if isolated:  # only its margin leaves the pool (a pool without maintenance: its wallet)
            size = balance / margin - h * maintenance / margin
            limits.append((name if maintenance > 0 else "wallet", size))
            continue
        # The lots it joins are bracketed anew with it: their maintenance is solved for too.
        excess = balance - h * (maintenance - of_lot)
        root = first_root(excess, pnl, h, w, per, floors, rates, amounts, held_notional(t))
        limits.append((name, root))
    if isolated:
        for name, t, h in (("own health", 1.0, min_health), ("own move", adverse, 1.0)):
            pnl, per = per_contract(t)
            own = first_root(0.0, margin + pnl, h, 1.0, per, floors, rates, amounts)
            limits.append((name, own))
    derived = False
    if leverage:
        _, per = per_contract(1.0)
        maxima, guessed = tier_max_leverage(p)
        too_high = np.flatnonzero(maxima < leverage)
        if too_high.size:
            cap = (floors[too_high[0]] - held_notional(1.0)) / per
            limits.append(("leverage", max(cap, 0.0)))
            derived = bool(guessed[too_high[0]])
    name, size = min(limits, key=lambda item: item[1])
    if not math.isfinite(size):
        return SafeSize(math.inf, "", leverage)
    return SafeSize(max(0.0, size * (1.0 - _SAFE)), name, leverage, derived)
