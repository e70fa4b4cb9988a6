"""dYdX v4: indexer positions + subaccount -> one USDC pool.

Subaccount equity = Q + Σ s·oracle, where Q (the USDC balance) can be negative; the engine's
wallet must satisfy wallet + Σ uPnL = equity, so wallet = equity − Σ open positions' uPnL.
Marks are oracle prices (dYdX margins and liquidates on the oracle) from the markets list;
maintenance is the market's flat maintenanceMarginFraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import field, number
from monitor.sources.exchange.pools import PooledPosition, assemble

POOL = "USDC"


def dydx_accounts(
    account: str,
    venue: str,
    positions: list[Mapping[str, Any]],
    subaccount: Mapping[str, Any],
    markets: Mapping[str, Mapping[str, Any]],
) -> tuple[Account, ...]:
    where = f"{venue} account {account!r}"
    pooled = []
    for unified in positions:
        symbol = str(unified.get("symbol"))
        at = f"{where} position {symbol}"
        raw = unified.get("info") or {}
        market = markets.get(symbol)
        if market is None:
            raise Malformed(f"{at}: unknown market")
        market_info = market.get("info") or {}
        size = field(raw, "size", at)
        if size == 0:
            continue
        pooled.append(
            PooledPosition(
                POOL,
                Position(
                    symbol=symbol,
                    side=Side.LONG if size > 0 else Side.SHORT,
                    contracts=abs(size),
                    entry_price=field(raw, "entryPrice", at),
                    mark_price=field(market_info, "oraclePrice", f"{at} market"),
                    maintenance=Maintenance.flat(
                        field(market_info, "maintenanceMarginFraction", f"{at} market")
                    ),
                    margin_mode=MarginMode.CROSS,
                ),
            )
        )
    sub = subaccount.get("subaccount", subaccount)
    if not isinstance(sub, Mapping):
        raise Malformed(f"{where}: subaccount payload is not an object")
    equity = field(sub, "equity", f"{where} subaccount")
    open_positions = sub.get("openPerpetualPositions") or {}
    upnl = sum(
        number(p.get("unrealizedPnl"), f"{where} subaccount {name} unrealizedPnl")
        for name, p in open_positions.items()
    )
    return assemble(account, venue, {POOL: equity - upnl}, pooled)
