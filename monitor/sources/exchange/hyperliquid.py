"""Hyperliquid: one clearinghouseState (per DEX) -> the cross pool and isolated positions.

accountValue = rawUsd + Σ szi·mark, so the wallet without uPnL is rawUsd + Σ szi·entry; we take
the cross wallet as crossMarginSummary.accountValue − Σ(cross uPnL) and each isolated position's
margin as leverage.rawUsd + szi·entryPx (its account value rawUsd + szi·mark minus its uPnL;
the opening fee and funding are already inside rawUsd). Maintenance is half the initial
margin at the asset's max leverage. Marks are positionValue/|szi| (the state carries no markPx).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import field, liquidation_price, optional_number
from monitor.sources.exchange.pools import PooledPosition, assemble, health_from, settle_of


def _position(venue: str, account: str, unified: Mapping[str, Any]) -> tuple[Position, float]:
    """The domain position and its raw uPnL (for the cross wallet)."""
    raw = (unified.get("info") or {}).get("position") or {}
    symbol = str(unified.get("symbol"))
    where = f"{venue} account {account!r} position {symbol}"
    szi = field(raw, "szi", where)
    if szi == 0:
        raise Malformed(f"{where}: zero size")
    entry = field(raw, "entryPx", where)
    mark = field(raw, "positionValue", where) / abs(szi)
    leverage = raw.get("leverage") or {}
    mode = MarginMode(str(leverage.get("type", "")).lower() or "cross")
    max_leverage = field(raw, "maxLeverage", where)
    if max_leverage <= 0:
        raise Malformed(f"{where}: maxLeverage {max_leverage} is not positive")
    isolated = None
    if mode is MarginMode.ISOLATED:
        isolated = field(leverage, "rawUsd", f"{where} leverage") + szi * entry
    position = Position(
        symbol=symbol,
        side=Side.LONG if szi > 0 else Side.SHORT,
        contracts=abs(szi),
        entry_price=entry,
        mark_price=mark,
        maintenance=Maintenance.hyperliquid(max_leverage),
        margin_mode=mode,
        isolated_margin=isolated,
        leverage=optional_number(leverage.get("value"), f"{where} leverage"),
        exchange_liquidation_price=liquidation_price(raw.get("liquidationPx"), mark),
    )
    return position, field(raw, "unrealizedPnl", where)


def hyperliquid_accounts(
    account: str, venue: str, state: Mapping[str, Any], positions: list[Mapping[str, Any]]
) -> tuple[Account, ...]:
    """Accounts from a raw clearinghouseState and ccxt's parse of its assetPositions."""
    where = f"{venue} account {account!r}"
    cross = state.get("crossMarginSummary")
    if not isinstance(cross, Mapping):
        raise Malformed(f"{where}: clearinghouseState without crossMarginSummary")
    pooled: list[PooledPosition] = []
    cross_pnl: dict[str, float] = {}
    for unified in positions:
        position, upnl = _position(venue, account, unified)
        pool = settle_of(position.symbol)
        pooled.append(PooledPosition(pool, position))
        if position.margin_mode is MarginMode.CROSS:
            cross_pnl[pool] = cross_pnl.get(pool, 0.0) + upnl
    pools = {p.pool for p in pooled} or {"USDC"}
    if len(pools) > 1:
        raise Malformed(f"{where}: one clearinghouseState with several collaterals {pools}")
    pool = pools.pop()
    account_value = field(cross, "accountValue", f"{where} crossMarginSummary")
    maintenance = optional_number(
        state.get("crossMaintenanceMarginUsed"), f"{where} crossMaintenanceMarginUsed"
    )
    wallets = {pool: account_value - cross_pnl.get(pool, 0.0)}
    return assemble(
        account, venue, wallets, pooled, {pool: health_from(account_value, maintenance)}
    )
