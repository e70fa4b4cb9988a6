"""Bybit v5: position list + wallet-balance -> pools.

Unified (UTA) cross margin is one USD-valued pool judged on the account MM rate: its wallet is
totalMarginBalance − totalPerpUPL (so wallet + uPnL is Bybit's own margin balance) and MM is on
the mark notional. Classic (CONTRACT) accounts are per settle coin (walletBalance) and compute
MM on the *entry* notional (margin-math.md §2a). Isolated positions carry positionBalance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from monitor.domain.model import Account, Maintenance, MaintenanceBasis, MarginMode, Position, Side
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import field, liquidation_price, optional_number
from monitor.sources.exchange.pools import PooledPosition, assemble, settle_of

UNIFIED_POOL = "USD"


def bybit_accounts(
    account: str,
    venue: str,
    positions: list[Mapping[str, Any]],
    wallet_balance: Mapping[str, Any],
    maintenance: Callable[[str], Maintenance],
) -> tuple[Account, ...]:
    where = f"{venue} account {account!r}"
    rows = ((wallet_balance.get("result") or {}).get("list")) or []
    if not rows:
        raise Malformed(f"{where}: wallet-balance without result.list")
    wallet_row = rows[0]
    unified = str(wallet_row.get("accountType", "")).upper() == "UNIFIED"
    basis = MaintenanceBasis.MARK if unified else MaintenanceBasis.ENTRY
    pooled = []
    for p in positions:
        raw = p.get("info") or {}
        symbol = str(p.get("symbol"))
        at = f"{where} position {symbol} (idx {raw.get('positionIdx', '?')})"
        size = field(raw, "size", at)
        if size == 0:
            continue
        mark = field(raw, "markPrice", at)
        isolated = str(raw.get("tradeMode")) == "1"
        side_text = str(raw.get("side"))
        if side_text not in ("Buy", "Sell"):
            raise Malformed(f"{at}: side {side_text!r}")
        market_inverse = "USD:" in symbol and not symbol.endswith(("USDT", "USDC"))
        pool = UNIFIED_POOL if unified and not market_inverse else settle_of(symbol)
        pooled.append(
            PooledPosition(
                pool,
                Position(
                    symbol=symbol,
                    side=Side.LONG if side_text == "Buy" else Side.SHORT,
                    contracts=abs(size),
                    inverse=market_inverse,
                    entry_price=field(raw, "avgPrice", at),
                    mark_price=mark,
                    maintenance=maintenance(symbol),
                    maintenance_basis=basis,
                    margin_mode=MarginMode.ISOLATED if isolated else MarginMode.CROSS,
                    isolated_margin=field(raw, "positionBalance", at) if isolated else None,
                    leverage=optional_number(raw.get("leverage"), f"{at} leverage"),
                    exchange_liquidation_price=liquidation_price(raw.get("liqPrice"), mark),
                ),
            )
        )
    wallets: dict[str, float] = {}
    health: dict[str, float | None] = {}
    if unified:
        at = f"{where} wallet-balance"
        wallets[UNIFIED_POOL] = field(wallet_row, "totalMarginBalance", at) - field(
            wallet_row, "totalPerpUPL", at
        )
        rate = optional_number(wallet_row.get("accountMMRate"), f"{at} accountMMRate")
        health[UNIFIED_POOL] = 1.0 / rate if rate else None
    for coin in wallet_row.get("coin") or []:
        name = str(coin.get("coin"))
        if unified and not any(p.pool == name for p in pooled):
            continue  # in UTA, coins are collateral of the USD pool, not pools of their own
        wallets[name] = field(coin, "walletBalance", f"{where} coin {name}")
    return assemble(account, venue, wallets, pooled, health)
