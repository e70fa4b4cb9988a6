"""Account and balance bodies (/fapi/v2|v3/account, /fapi/v2|v3/balance) in Binance's shapes.

Per asset (assets[]) every figure is in the asset's own units [ACC: "Account Information V2"]:
walletBalance = cross wallet + isolated wallets, marginBalance = walletBalance +
unrealizedProfit, maintMargin = Σ maintenance of the asset's positions. The totals:
- single-asset mode: "only for USDT asset" (Binance's own comment on every total);
- multi-assets mode: USD values (Binance: "the sum of USD value of all cross positions
  maintenance margin", "total margin balance in USD"), priced as reference.py [MAM] prices
  the pool: totalMarginBalance = Σ min(marginBalance x bidRate, marginBalance x askRate),
  totalMaintMargin = Σ maintMargin x askRate, totalInitialMargin = Σ initialMargin x askRate,
  totalWalletBalance = Σ min(walletBalance x bid, x ask). Binance does not say how it values
  a negative uPnL in totalUnrealizedProfit; the simulation sends totalMarginBalance -
  totalWalletBalance so the two add up as in every real payload. availableBalance is
  "uniAvailableForOrder" = account equity - Σ initial margin x askRate, per asset divided by
  that asset's askRate (the [MAM] FAQ's worked example). maxWithdrawAmount is the simulation's
  choice: min(cross wallet, available).
"""

from __future__ import annotations

from typing import Any

from monitor.sources.sim.figures import AccountFigures, AssetFigures, dec
from monitor.sources.sim.markets import SimMarket
from monitor.sources.sim.position_data import (
    account_position,
    account_position_v2,
    closed_account_position,
    position_sides,
)
from monitor.sources.sim.reference import MULTI_ASSETS_POOL, pool_figures

Json = dict[str, Any]
TOTALS = ("initial", "maint", "wallet", "pnl", "margin", "cross_wallet", "cross_pnl", "available")


def _usd_available(a: AccountFigures) -> float:
    equity = pool_figures(a.portfolio, MULTI_ASSETS_POOL).margin_balance
    initial = sum(x.initial_margin * a.rate(x.asset).ask for x in a.assets)
    return max(0.0, equity - initial)


def _asset_available(a: AccountFigures, x: AssetFigures) -> float:
    if a.multi_assets:
        return _usd_available(a) / a.rate(x.asset).ask
    return x.cross_available


def asset_row(a: AccountFigures, x: AssetFigures, update_ms: int) -> Json:
    available = _asset_available(a, x)
    return {
        "asset": x.asset,
        "walletBalance": dec(x.wallet),
        "unrealizedProfit": dec(x.pnl),
        "marginBalance": dec(x.margin_balance),
        "maintMargin": dec(x.maintenance),
        "initialMargin": dec(x.initial_margin),
        "positionInitialMargin": dec(x.initial_margin),
        "openOrderInitialMargin": "0.00000000",
        "crossWalletBalance": dec(x.cross_wallet),
        "crossUnPnl": dec(x.cross_pnl),
        "availableBalance": dec(available),
        "maxWithdrawAmount": dec(max(0.0, min(x.cross_wallet, available))),
        "updateTime": update_ms,
    }


def totals(a: AccountFigures) -> Json:
    if a.multi_assets:
        pool = pool_figures(a.portfolio, MULTI_ASSETS_POOL)
        wallet = sum(a.rate(x.asset).usd(x.wallet) for x in a.assets)
        initial = sum(x.initial_margin * a.rate(x.asset).ask for x in a.assets)
        available = _usd_available(a)
        values = {
            "initial": initial,
            "maint": pool.maintenance,
            "wallet": wallet,
            "pnl": pool.margin_balance - wallet,
            "margin": pool.margin_balance,
            "cross_wallet": wallet,
            "cross_pnl": pool.margin_balance - wallet,
            "available": available,
        }
    else:
        usdt = next((x for x in a.assets if x.asset == "USDT"), None)
        values = dict.fromkeys(TOTALS, 0.0)
        if usdt is not None:
            values = {
                "initial": usdt.initial_margin,
                "maint": usdt.maintenance,
                "wallet": usdt.wallet,
                "pnl": usdt.pnl,
                "margin": usdt.margin_balance,
                "cross_wallet": usdt.cross_wallet,
                "cross_pnl": usdt.cross_pnl,
                "available": usdt.cross_available,
            }
    return {
        "totalInitialMargin": dec(values["initial"]),
        "totalMaintMargin": dec(values["maint"]),
        "totalWalletBalance": dec(values["wallet"]),
        "totalUnrealizedProfit": dec(values["pnl"]),
        "totalMarginBalance": dec(values["margin"]),
        "totalPositionInitialMargin": dec(values["initial"]),
        "totalOpenOrderInitialMargin": "0.00000000",
        "totalCrossWalletBalance": dec(values["cross_wallet"]),
        "totalCrossUnPnl": dec(values["cross_pnl"]),
        "availableBalance": dec(values["available"]),
        "maxWithdrawAmount": dec(values["available"]),
    }


def account_v3(a: AccountFigures, update_ms: int) -> Json:
    """V3 lists open positions only, and no account flags."""
    return {
        **totals(a),
        "assets": [asset_row(a, x, update_ms) for x in a.assets],
        "positions": [account_position(f, update_ms) for f in a.positions],
    }


def account_v2(a: AccountFigures, markets: tuple[SimMarket, ...], update_ms: int) -> Json:
    """V2 lists every symbol (each side in hedge mode) and carries multiAssetsMargin."""
    held = {(f.market.id, f.source.side): f for f in a.positions}
    positions = []
    for m in markets:
        for side in position_sides(a.book.hedge):
            f = held.get((m.id, side))
            positions.append(
                closed_account_position(m, side) if f is None else account_position_v2(f, update_ms)
            )
    assets = [{**asset_row(a, x, update_ms), "marginAvailable": True} for x in a.assets]
    return {
        "feeTier": 0,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "feeBurn": True,
        "tradeGroupId": "-1",
        "updateTime": 0,
        "multiAssetsMargin": a.multi_assets,
        **totals(a),
        "assets": assets,
        "positions": positions,
    }


def balance(a: AccountFigures, update_ms: int) -> list[Json]:
    rows = []
    for x in a.assets:
        available = _asset_available(a, x)
        rows.append(
            {
                "accountAlias": "SgsR",
                "asset": x.asset,
                "balance": dec(x.wallet),
                "crossWalletBalance": dec(x.cross_wallet),
                "crossUnPnl": dec(x.cross_pnl),
                "availableBalance": dec(available),
                "maxWithdrawAmount": dec(max(0.0, min(x.cross_wallet, available))),
                "marginAvailable": True,
                "updateTime": update_ms,
            }
        )
    return rows
