"""A plain scalar reading of the spec's formulas, written apart from the engine.

Used only by tests, as an independent route to margin balance and maintenance at any marks.
"""

from __future__ import annotations

from dataclasses import replace

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
    return joint_maintenance([(p, price)])


def joint_maintenance(lots: list[tuple[Position, float]]) -> float:
    """Maintenance of one position held as lots (one symbol, side and table, cross): the
    bracket of their joint notional at the basis, one deduction."""
    p = lots[0][0]
    n = sum(
        notional(q, q.entry_price if q.maintenance_basis.value == "entry" else price)
        for q, price in lots
    )
    tier = p.maintenance.tiers[0]
    for t in p.maintenance.tiers:
        if n >= t.floor:
            tier = t
    return n * (tier.rate + p.close_fee_rate) - tier.amount


def _lot_key(p: Position) -> tuple[object, ...]:
    return (p.symbol, p.side, p.maintenance.tiers, p.maintenance_basis, p.close_fee_rate)


def collateral_value(account: Account, scale: dict[str, float] | None = None) -> float:
    """Counted value of the pool's collateral, each asset's price times `scale[asset]`."""
    total = 0.0
    for c in account.collaterals:
        left, units = c.amount, 0.0
        tiers = sorted(c.ratios, key=lambda t: t.floor)
        for i, t in enumerate(tiers):
            top = tiers[i + 1].floor if i + 1 < len(tiers) else float("inf")
            units += max(0.0, min(left, top) - t.floor) * t.ratio
        total += units * c.price * (scale or {}).get(c.asset, 1.0)
    return total


def pool(
    account: Account, marks: list[float], scale: dict[str, float] | None = None
) -> tuple[float, float]:
    """(margin balance, maintenance) of the cross pool at the given marks."""
    balance, maint = account.wallet_balance + collateral_value(account, scale), 0.0
    rates = {a.asset: a for a in account.settle_assets}
    equity = {a.asset: a.wallet for a in account.settle_assets}
    lots: dict[tuple[object, ...], list[tuple[Position, float]]] = {}
    for p, price in zip(account.positions, marks, strict=True):
        if p.margin_mode.value == "cross":
            lots.setdefault(_lot_key(p), []).append((p, price))
            settle = p.symbol.split(":")[1]
            if settle in rates:  # a multi-asset pool: PnL into its asset
                equity[settle] += pnl(p, price)
            else:
                balance += pnl(p, price)
    for lot in lots.values():  # lots of one position: one bracket (maintenance at ask)
        settle = lot[0][0].symbol.split(":")[1]
        maint += joint_maintenance(lot) * (rates[settle].ask if settle in rates else 1.0)
    for asset, value in equity.items():
        balance += value * (rates[asset].bid if value > 0 else rates[asset].ask)
    return balance, maint


def isolated(p: Position, price: float) -> tuple[float, float]:
    return (p.isolated_margin or 0.0) + pnl(p, price), maintenance(p, price)


def legs(account: Account, index: int) -> list[int]:
    """The positions that move with position `index`: itself, or every cross leg of its symbol
    (one market has one mark: hedge legs, typed lots, a what-if beside a held position)."""
    p = account.positions[index]
    if p.margin_mode.value == "isolated":
        return [index]
    return [
        j
        for j, q in enumerate(account.positions)
        if q.symbol == p.symbol and q.margin_mode.value == "cross"
    ]


def side_of_liquidation(account: Account, index: int, price: float) -> tuple[float, float]:
    """(balance, maintenance) of the pool that position `index` belongs to, its price at
    `price`: every cross leg of its symbol moves by the same factor, and so does collateral in
    its base asset (linear contracts); the rest of the pool stays at its marks."""
    p = account.positions[index]
    if p.margin_mode.value == "isolated":
        return isolated(p, price)
    t = price / p.mark_price
    marks = [q.mark_price for q in account.positions]
    for j in legs(account, index):
        marks[j] = account.positions[j].mark_price * t
    scale = {} if p.inverse else {p.symbol.split("/")[0]: t}
    return pool(account, marks, scale)


def market_marks(account: Account) -> Account:
    """The account with every row of a symbol at one mark, as the spec's one-market-one-mark
    rule reads: the first held (not hypothetical) row's mark of that symbol, else the first
    row's."""
    chosen: dict[str, float] = {}
    for p in account.positions:
        if not p.hypothetical:
            chosen.setdefault(p.symbol, p.mark_price)
    for p in account.positions:
        chosen.setdefault(p.symbol, p.mark_price)
    return replace(
        account,
        positions=tuple(replace(p, mark_price=chosen[p.symbol]) for p in account.positions),
    )
