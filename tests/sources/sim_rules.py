"""A direct, hand-written evaluation of Binance's margin condition on a simulated book, for tests.

Independent of the venue's reference (monitor/sources/sim/reference.py): no bisection, no
shared code, only the book, the marks and the bracket tables (and, in multi-assets mode, the
asset rates) the venue serves. Binance's rules, as its docs state them:
- maintenance = |notional| x maintMarginRatio - cum of the bracket holding the notional;
- single-asset cross pool (per margin asset): cross wallet + Σ uPnL vs Σ maintenance;
- isolated position: isolated wallet + its uPnL vs its maintenance;
- multi-assets pool (USD): Σ min(equity x bid, equity x ask) vs Σ maintenance x ask, a BTC
  wallet's value moving with the moved BTC contract (the simulation's stated choice).
"""

from __future__ import annotations

from collections.abc import Mapping

from monitor.sources.sim import SimBook, SimMarket


def maintenance(notional: float, market: SimMarket) -> float:
    size = abs(notional)
    bracket = [b for b in market.brackets if b.floor <= size][-1]
    return size * bracket.rate - bracket.cum


def pool_of(book: SimBook, markets: Mapping[str, SimMarket], index: int) -> str:
    p = book.positions[index]
    m = markets[p.market]
    if p.isolated_wallet is not None:
        return f"isolated {m.symbol} {'long' if p.amount > 0 else 'short'}"
    return "USD" if book.multi_assets else m.quote


def pool_state(
    book: SimBook,
    markets: Mapping[str, SimMarket],
    marks: Mapping[str, float],
    pool: str,
    moved: Mapping[str, float] | None = None,
    rates: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[float, float]:
    """(margin balance, maintenance) of `pool` with the markets in `moved` at those prices.
    `rates`: asset -> (bidRate, askRate), needed in multi-assets mode."""
    prices = {**marks, **(moved or {})}
    equity: dict[str, float] = {"USDT": book.wallet, **book.wallets}
    required: dict[str, float] = {}
    balance = maint = 0.0
    for i, p in enumerate(book.positions):
        if pool_of(book, markets, i) != pool:
            continue
        m = markets[p.market]
        pnl = p.amount * (prices[p.market] - p.entry_price)
        mm = maintenance(p.amount * prices[p.market], m)
        if p.isolated_wallet is not None:
            return p.isolated_wallet + pnl, mm
        equity[m.quote] = equity.get(m.quote, 0.0) + pnl
        required[m.quote] = required.get(m.quote, 0.0) + mm
    if not book.multi_assets:
        return equity.get(pool, 0.0), required.get(pool, 0.0)
    assert rates is not None, "multi-assets mode needs the asset rates"
    for asset, amount in equity.items():
        bid, ask = rates[asset]
        scale = 1.0
        for market_id, price in (moved or {}).items():
            if markets[market_id].base == asset:
                scale = price / marks[market_id]
        balance += min(amount * bid, amount * ask) * scale
    for asset, mm in required.items():
        maint += mm * rates[asset][1]
    return balance, maint


def health(
    book: SimBook,
    markets: Mapping[str, SimMarket],
    marks: Mapping[str, float],
    pool: str,
    moved: Mapping[str, float] | None = None,
    rates: Mapping[str, tuple[float, float]] | None = None,
) -> float:
    balance, maint = pool_state(book, markets, marks, pool, moved, rates)
    return balance / maint
