"""Bybit v5: position list + wallet-balance -> pools.

Unified (UTA) — the account Bybit opens today — is one USD-valued pool across USDT and USDC
linear perpetuals, judged on the account MM rate (margin-math.md §2b; the simulated Bybit venue
cites the pages): MM on the mark value by risk-limit tier with mmDeduction, plus the fee to
close (bybit_unified.py); the wallet is the USDT/USDC balance, and every other coin is
collateral valued at its index price x its tiered collateral value ratio. ISOLATED_MARGIN makes
every position its own (positionBalance). Classic (CONTRACT) accounts are per settle coin with MM
on the *entry* notional (§2a) and are read as before, unverified.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from monitor.domain.model import (
    Account,
    Collateral,
    Maintenance,
    MaintenanceBasis,
    MarginMode,
    Position,
    Side,
)
from monitor.sources.exchange.bybit_unified import BybitRules, fee_to_close
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import field, liquidation_price, number, optional_number
from monitor.sources.exchange.pools import PooledPosition, assemble, health_from, settle_of

UNIFIED_POOL = "USD"


def with_fee_to_close(maintenance: Maintenance, fee: float) -> Maintenance:
    """MM = value x rate - deduction + fee: a constant fee lowers every tier's deduction."""
    return replace(
        maintenance,
        tiers=tuple(replace(t, amount=t.amount - fee) for t in maintenance.tiers),
        amounts_given=True,
    )


def bybit_accounts(
    account: str,
    venue: str,
    positions: list[Mapping[str, Any]],
    wallet_balance: Mapping[str, Any],
    maintenance: Callable[[str], Maintenance],
    *,
    markets: Mapping[str, Mapping[str, Any]] | None = None,
    rules: BybitRules | None = None,
    margin_mode: str = "cross",
    collateral: tuple[float, tuple[Collateral, ...]] | None = None,
) -> tuple[Account, ...]:
    """Unified accounts need `rules` (fees), `margin_mode` and `collateral` (stable wallet,
    other coins); without `rules` the fee to close is left out (a recorded payload replay)."""
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
        side_text = str(raw.get("side"))
        if side_text not in ("Buy", "Sell"):
            raise Malformed(f"{at}: side {side_text!r}")
        side = Side.LONG if side_text == "Buy" else Side.SHORT
        entry = field(raw, "avgPrice", at)
        leverage = optional_number(raw.get("leverage"), f"{at} leverage")
        market = (markets or {}).get(symbol) or {}
        inverse = (
            bool(market.get("inverse"))
            if market
            else ("USD:" in symbol and not symbol.endswith(("USDT", "USDC")))
        )
        # UTA: the account's margin mode decides (tradeMode is deprecated, always 0 there).
        isolated = margin_mode == "isolated" if unified else str(raw.get("tradeMode")) == "1"
        rule = maintenance(symbol)
        if unified and rules is not None:
            if not leverage:
                raise Malformed(f"{at}: no leverage for the fee to close")
            taker = rules.taker(str(raw.get("symbol")), at)
            rule = with_fee_to_close(rule, fee_to_close(side.sign, size, entry, leverage, taker))
        pool = UNIFIED_POOL if unified and not inverse else settle_of(symbol)
        pooled.append(
            PooledPosition(
                pool,
                Position(
                    symbol=symbol,
                    side=side,
                    contracts=abs(size),
                    inverse=inverse,
                    entry_price=entry,
                    mark_price=mark,
                    maintenance=rule,
                    maintenance_basis=basis,
                    margin_mode=MarginMode.ISOLATED if isolated else MarginMode.CROSS,
                    isolated_margin=field(raw, "positionBalance", at) if isolated else None,
                    leverage=leverage,
                    exchange_liquidation_price=liquidation_price(raw.get("liqPrice"), mark),
                    exchange_maintenance_margin=optional_number(
                        raw.get("positionMM"), f"{at} positionMM"
                    ),
                ),
            )
        )
    wallets: dict[str, float] = {}
    health: dict[str, float | None] = {}
    coll: dict[str, tuple[Collateral, ...]] = {}
    if unified:
        at = f"{where} wallet-balance"
        if collateral is not None:
            wallets[UNIFIED_POOL], coll[UNIFIED_POOL] = collateral
        else:  # without prices and ratios: the USD wallet as Bybit values it today, frozen
            wallets[UNIFIED_POOL] = field(wallet_row, "totalMarginBalance", at) - field(
                wallet_row, "totalPerpUPL", at
            )
        # Account-wide figures are documented as not applicable to isolated margin.
        health[UNIFIED_POOL] = (
            _venue_health(wallet_row, positions, at) if margin_mode == "cross" else None
        )
    for coin in wallet_row.get("coin") or []:
        name = str(coin.get("coin"))
        if unified and not any(p.pool == name for p in pooled):
            continue  # in UTA, coins are collateral of the USD pool, not pools of their own
        wallets[name] = field(coin, "walletBalance", f"{where} coin {name}")
    venue_mm: dict[str, float | None] = {}
    if unified and margin_mode == "cross":
        venue_mm[UNIFIED_POOL] = optional_number(
            wallet_row.get("totalMaintenanceMargin"), f"{where} totalMaintenanceMargin"
        )
    accounts = assemble(account, venue, wallets, pooled, health)
    return tuple(
        replace(
            a,
            collaterals=coll.get(a.collateral or "", ()),
            exchange_maintenance_margin=venue_mm.get(a.collateral or ""),
        )
        for a in accounts
    )


def _venue_health(
    wallet_row: Mapping[str, Any], positions: list[Mapping[str, Any]], where: str
) -> float | None:
    """Bybit's own account health, its mark-dependent parts from the position rows — the same
    answer as our marks (positionMM, unrealisedPnl) — and the wallet from the wallet-balance
    answer (totalMarginBalance - totalPerpUPL); not accountMMRate, which is cut to 4 decimals
    and computed at the other request's marks."""
    total = optional_number(wallet_row.get("totalMarginBalance"), f"{where} totalMarginBalance")
    upl = optional_number(wallet_row.get("totalPerpUPL"), f"{where} totalPerpUPL")
    rows = [p.get("info") or {} for p in positions]
    rows = [r for r in rows if optional_number(r.get("size"), where)]
    if total is None or upl is None:
        return None
    try:
        mm = sum(number(r.get("positionMM"), f"{where} positionMM") for r in rows)
        pnl = sum(number(r.get("unrealisedPnl"), f"{where} unrealisedPnl") for r in rows)
    except Malformed:
        return None
    return health_from(total - upl + pnl, mm)
