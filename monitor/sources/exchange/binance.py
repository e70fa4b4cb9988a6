"""Binance USDⓈ-M and COIN-M: positionRisk/account rows + the futures account -> pools.

Wallet is the *cross* wallet (crossWalletBalance), which excludes unrealised PnL and excludes
isolated wallets; each isolated position carries its isolatedWallet (isolatedMargin would
include its uPnL and count it twice). In multi-assets mode all USDⓈ-M assets form one
USD-valued pool whose wallet is totalCrossWalletBalance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from monitor.domain.model import Maintenance, MarginMode, Position, Side
from monitor.sources.exchange.binance_multi import asset_rates, usd_wallets
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import field, liquidation_price, number, optional_number
from monitor.sources.exchange.pools import PooledPosition, assemble, health_from, settle_of

MULTI_ASSETS_POOL = "USD"


def _position(
    venue: str,
    account: str,
    unified: Mapping[str, Any],
    market: Mapping[str, Any],
    maintenance: Callable[[str], Maintenance],
) -> PooledPosition | None:
    info = unified.get("info") or {}
    symbol = str(unified.get("symbol"))
    where = f"{venue} account {account!r} position {symbol} ({info.get('positionSide', '?')})"
    amount = field(info, "positionAmt", where)
    if amount == 0:
        return None
    inverse = bool(market.get("inverse"))
    contract_size = number(market.get("contractSize") or 1.0, f"{where} contractSize")
    hedge_side = str(info.get("positionSide", "BOTH")).upper()
    side = {"LONG": Side.LONG, "SHORT": Side.SHORT}.get(
        hedge_side, Side.LONG if amount > 0 else Side.SHORT
    )
    contracts = abs(amount)
    if "entryPrice" in info:
        entry = field(info, "entryPrice", where)
        mark = field(info, "markPrice", where)
    else:
        # The account endpoint has no prices: notional = amount*mark (signed, in quote) and
        # uPnL = amount*(mark - entry), so both follow exactly (linear rows only).
        if inverse:
            raise Malformed(f"{where}: account row without entryPrice/markPrice")
        notional = field(info, "notional", where)
        upnl = field(info, "unrealizedProfit", where)
        mark = notional / amount
        entry = (notional - upnl) / amount
    mode_text = str(info.get("marginType") or unified.get("marginMode") or "").lower()
    if mode_text not in ("cross", "isolated"):
        raise Malformed(f"{where}: unknown margin mode {mode_text!r}")
    mode = MarginMode(mode_text)
    isolated = field(info, "isolatedWallet", where) if mode is MarginMode.ISOLATED else None
    pool = str(info.get("marginAsset") or market.get("settle") or settle_of(symbol))
    return PooledPosition(
        pool=pool,
        position=Position(
            symbol=symbol,
            side=side,
            contracts=contracts,
            contract_size=contract_size,
            inverse=inverse,
            entry_price=entry,
            mark_price=mark,
            maintenance=maintenance(symbol),
            margin_mode=mode,
            isolated_margin=isolated,
            leverage=_leverage(info, where),
            exchange_liquidation_price=liquidation_price(info.get("liquidationPrice"), mark),
            exchange_maintenance_margin=optional_number(
                info.get("maintMargin"), f"{where} maintMargin"
            ),
        ),
    )


def _leverage(info: Mapping[str, Any], where: str) -> float | None:
    """The set leverage: v2 rows state it; v3 rows only the position's initial margin,
    |notional at the mark| ÷ leverage, from which it follows (the account endpoint's rows
    only initialMargin, which adds open orders' margin). Binance's leverage is a whole
    number: a ratio that is not one (orders' margin in it) is no leverage: None."""
    stated = optional_number(info.get("leverage"), f"{where} leverage")
    if stated is not None:
        return stated
    notional = optional_number(info.get("notional"), f"{where} notional")
    key = "positionInitialMargin" if "positionInitialMargin" in info else "initialMargin"
    initial = optional_number(info.get(key), f"{where} {key}")
    if notional is None or initial is None or initial <= 0 or notional == 0:
        return None
    ratio = abs(notional) / initial
    whole = round(ratio)
    return float(whole) if whole >= 1 and abs(ratio - whole) <= 1e-4 * ratio else None


def binance_accounts(
    account: str,
    venue: str,
    positions: list[Mapping[str, Any]],
    futures_account: Mapping[str, Any],
    markets: Mapping[str, Mapping[str, Any]],
    maintenance: Callable[[str], Maintenance],
    multi_assets: bool | None = None,
    asset_index: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[Any, ...]:
    """Domain Accounts from ccxt positions and the raw futures-account payload.

    `multi_assets` overrides the payload's own `multiAssetsMargin` flag (older payloads and the
    v3 account lack it: the reader asks /fapi/v1/multiAssetsMargin); with neither, every asset is
    its own pool, as in single-asset mode. Multi-assets mode values every asset through
    `asset_index` (/fapi/v1/assetIndex rows); without it the pool is the venue's own USD
    figures, frozen (a recorded payload).
    """
    where = f"{venue} account {account!r}"
    pooled = []
    for unified in positions:
        symbol = str(unified.get("symbol"))
        if symbol not in markets:
            raise Malformed(f"{where}: position in unknown market {symbol}")
        row = _position(venue, account, unified, markets[symbol], maintenance)
        if row is not None:
            pooled.append(row)
    if multi_assets is None:
        multi_assets = bool(futures_account.get("multiAssetsMargin", False))
    if multi_assets:
        return _multi_assets_pool(account, venue, pooled, futures_account, asset_index, where)
    wallets, health, venue_mm = {}, {}, {}
    for asset in futures_account.get("assets") or []:
        name = str(asset.get("asset"))
        at = f"{where} asset {name}"
        wallet = field(asset, "crossWalletBalance", at)
        if wallet == 0 and not any(p.pool == name for p in pooled):
            continue  # dust-free listing: empty assets are not pools
        wallets[name] = wallet
        health[name], venue_mm[name] = _venue_cross(
            asset, [p for p in pooled if p.pool == name], at
        )
    return tuple(
        replace(a, exchange_maintenance_margin=venue_mm.get(a.collateral or ""))
        for a in assemble(account, venue, wallets, pooled, health)
    )


def _venue_cross(
    asset: Mapping[str, Any], members: list[PooledPosition], where: str
) -> tuple[float | None, float | None]:
    """The venue's own health and maintenance of the asset's cross pool, from the figures the
    position rows state at the marks of the same answer our marks come from (maintMargin per
    row, and the rows' uPnL behind our PnL) — never the account endpoint's totals, fetched
    by another request at other marks — over its cross wallet (which marks do not move)."""
    cross = [p.position for p in members if p.position.margin_mode is MarginMode.CROSS]
    wallet = optional_number(asset.get("crossWalletBalance"), where)
    maintenance = [p.exchange_maintenance_margin for p in cross]
    if wallet is None or not cross or any(mm is None for mm in maintenance):
        return None, None
    pnl = sum(
        p.side.sign * p.size * (1 / p.entry_price - 1 / p.mark_price)
        if p.inverse
        else p.side.sign * p.size * (p.mark_price - p.entry_price)
        for p in cross
    )
    total = sum(mm or 0.0 for mm in maintenance)
    return health_from(wallet + pnl, total), total


def _multi_assets_pool(
    account: str,
    venue: str,
    pooled: list[PooledPosition],
    futures_account: Mapping[str, Any],
    asset_index: Sequence[Mapping[str, Any]] | None,
    where: str,
) -> tuple[Any, ...]:
    if any(p.position.inverse for p in pooled):
        raise Malformed(f"{where}: multi-assets mode with inverse positions")
    ratio = health_from(
        optional_number(futures_account.get("totalMarginBalance"), where),
        optional_number(futures_account.get("totalMaintMargin"), where),
    )
    venue_mm = optional_number(futures_account.get("totalMaintMargin"), where)
    if asset_index is None:
        positions = [PooledPosition(MULTI_ASSETS_POOL, p.position) for p in pooled]
        wallets = {MULTI_ASSETS_POOL: field(futures_account, "totalCrossWalletBalance", where)}
        return assemble(account, venue, wallets, positions, {MULTI_ASSETS_POOL: ratio})
    rates = asset_rates(asset_index, where)
    settled = {p.pool for p in pooled}
    settle, collateral = usd_wallets(futures_account.get("assets") or [], settled, rates, where)
    positions = [PooledPosition(MULTI_ASSETS_POOL, p.position) for p in pooled]
    (pool,) = assemble(
        account, venue, {MULTI_ASSETS_POOL: 0.0}, positions, {MULTI_ASSETS_POOL: ratio}
    )
    return (
        replace(
            pool,
            collaterals=collateral,
            settle_assets=settle,
            exchange_maintenance_margin=venue_mm,
        ),
    )
