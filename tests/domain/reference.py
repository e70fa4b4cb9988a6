"""A plain scalar reading of the spec's formulas, written apart from the engine.

Used only by tests, as an independent route to margin balance and maintenance at any marks.
"""

from __future__ import annotations

from monitor.domain.model import Account, Position


def notional(p: Position, price: float) -> float:
    size = p.contracts * p.contract_size
    return size / price if p.inverse else size * price


def pnl(p: Position, price: float) -> float:
    size = p.contracts * p.contract_size
    sign = 1.0 if p.side.value == "long" else -1.0
    if p.inverse:
        return sign * size * (1.0 / p.entry_price - 1.0 / price)
    return sign * size * (price - p.entry_price)


def maintenance(p: Position, price: float) -> float:
    basis_price = p.entry_price if p.maintenance_basis.value == "entry" else price
    n = notional(p, basis_price)
    tier = p.maintenance.tiers[0]
    for t in p.maintenance.tiers:
        if n >= t.floor:
            tier = t
    return n * (tier.rate + p.close_fee_rate) - tier.amount


def pool(account: Account, marks: list[float]) -> tuple[float, float]:
    """(margin balance, maintenance) of the cross pool at the given marks."""
    balance, maint = account.wallet_balance, 0.0
    for p, price in zip(account.positions, marks, strict=True):
        if p.margin_mode.value == "cross":
            balance += pnl(p, price)
            maint += maintenance(p, price)
    return balance, maint


def isolated(p: Position, price: float) -> tuple[float, float]:
    return (p.isolated_margin or 0.0) + pnl(p, price), maintenance(p, price)


def side_of_liquidation(account: Account, index: int, price: float) -> tuple[float, float]:
    """(balance, maintenance) of the pool that position `index` belongs to, it at `price`."""
    p = account.positions[index]
    if p.margin_mode.value == "isolated":
        return isolated(p, price)
    marks = [q.mark_price for q in account.positions]
    marks[index] = price
    return pool(account, marks)
