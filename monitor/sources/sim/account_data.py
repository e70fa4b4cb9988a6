"""Account and position bodies (positionRisk, account, balance) in Binance USDⓈ-M's shapes.

Modelled on the recorded real responses in the ccxt fixtures, so ccxt parses them the same way.
"""

from __future__ import annotations

from typing import Any

from monitor.sources.sim.book import COLLATERAL
from monitor.sources.sim.figures import AccountFigures, PositionFigures, dec, plain
from monitor.sources.sim.markets import SimMarket

Json = dict[str, Any]


def _max_notional(market: SimMarket, leverage: int) -> float:
    allowed = [b.cap for b in market.brackets if b.initial_leverage >= leverage]
    return max(allowed, default=market.brackets[0].cap)


def position_risk_v3(f: PositionFigures, update_ms: int) -> Json:
    p = f.source
    return {
        "symbol": f.market.id,
        "positionSide": "BOTH",
        "positionAmt": plain(p.amount),
        "entryPrice": plain(p.entry_price),
        "breakEvenPrice": plain(p.entry_price),
        "markPrice": dec(f.mark),
        "unRealizedProfit": dec(f.pnl),
        "liquidationPrice": dec(f.reported_liquidation or 0.0),
        "isolatedMargin": dec(f.isolated_margin),
        "notional": dec(f.notional),
        "marginAsset": COLLATERAL,
        "isolatedWallet": dec(p.isolated_wallet or 0.0),
        "initialMargin": dec(f.initial_margin),
        "maintMargin": dec(f.maintenance),
        "positionInitialMargin": dec(f.initial_margin),
        "openOrderInitialMargin": "0",
        "adl": "1",
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": update_ms,
    }


def position_risk_v2(f: PositionFigures, update_ms: int) -> Json:
    """The older shape, which still carries marginType and leverage."""
    p = f.source
    return {
        "symbol": f.market.id,
        "positionAmt": plain(p.amount),
        "entryPrice": plain(p.entry_price),
        "breakEvenPrice": plain(p.entry_price),
        "markPrice": dec(f.mark),
        "unRealizedProfit": dec(f.pnl),
        "liquidationPrice": dec(f.reported_liquidation or 0.0),
        "leverage": str(p.leverage),
        "maxNotionalValue": plain(_max_notional(f.market, p.leverage)),
        "marginType": "isolated" if p.isolated else "cross",
        "isolatedMargin": dec(f.isolated_margin),
        "isAutoAddMargin": "false",
        "positionSide": "BOTH",
        "notional": dec(f.notional),
        "isolatedWallet": dec(p.isolated_wallet or 0.0),
        "updateTime": update_ms,
        "isolated": p.isolated,
        "adlQuantile": 1,
    }


def closed_position_risk_v2(market: SimMarket) -> Json:
    """V2 lists every symbol; the ones not held come back as zeros."""
    return {
        "symbol": market.id,
        "positionAmt": "0.000",
        "entryPrice": "0.0",
        "breakEvenPrice": "0.0",
        "markPrice": "0.00000000",
        "unRealizedProfit": "0.00000000",
        "liquidationPrice": "0",
        "leverage": str(min(20, market.max_leverage())),
        "maxNotionalValue": plain(_max_notional(market, min(20, market.max_leverage()))),
        "marginType": "cross",
        "isolatedMargin": "0.00000000",
        "isAutoAddMargin": "false",
        "positionSide": "BOTH",
        "notional": "0",
        "isolatedWallet": "0",
        "updateTime": 0,
        "isolated": False,
        "adlQuantile": 0,
    }


def _account_position(f: PositionFigures, update_ms: int) -> Json:
    return {
        "symbol": f.market.id,
        "positionSide": "BOTH",
        "positionAmt": plain(f.source.amount),
        "unrealizedProfit": dec(f.pnl),
        "isolatedMargin": dec(f.isolated_margin),
        "notional": dec(f.notional),
        "isolatedWallet": dec(f.source.isolated_wallet or 0.0),
        "initialMargin": dec(f.initial_margin),
        "maintMargin": dec(f.maintenance),
        "updateTime": update_ms,
    }


def _closed_account_position(market: SimMarket) -> Json:
    leverage = min(20, market.max_leverage())
    return {
        "symbol": market.id,
        "positionSide": "BOTH",
        "positionAmt": "0",
        "unrealizedProfit": "0.00000000",
        "isolatedMargin": "0",
        "notional": "0",
        "isolatedWallet": "0",
        "initialMargin": "0",
        "maintMargin": "0",
        "leverage": str(leverage),
        "entryPrice": "0.0",
        "isolated": False,
        "maxNotional": plain(_max_notional(market, leverage)),
        "updateTime": 0,
    }


def _usdt_asset(a: AccountFigures, update_ms: int) -> Json:
    return {
        "asset": COLLATERAL,
        "walletBalance": dec(a.total_wallet),
        "unrealizedProfit": dec(a.total_pnl),
        "marginBalance": dec(a.total_wallet + a.total_pnl),
        "maintMargin": dec(a.total_maintenance),
        "initialMargin": dec(a.total_initial),
        "positionInitialMargin": dec(a.total_initial),
        "openOrderInitialMargin": "0.00000000",
        "crossWalletBalance": dec(a.book.wallet),
        "crossUnPnl": dec(a.cross_pnl),
        "availableBalance": dec(a.available),
        "maxWithdrawAmount": dec(a.available),
        "updateTime": update_ms,
    }


def _account_totals(a: AccountFigures) -> Json:
    return {
        "totalInitialMargin": dec(a.total_initial),
        "totalMaintMargin": dec(a.total_maintenance),
        "totalWalletBalance": dec(a.total_wallet),
        "totalUnrealizedProfit": dec(a.total_pnl),
        "totalMarginBalance": dec(a.total_wallet + a.total_pnl),
        "totalPositionInitialMargin": dec(a.total_initial),
        "totalOpenOrderInitialMargin": "0.00000000",
        "totalCrossWalletBalance": dec(a.book.wallet),
        "totalCrossUnPnl": dec(a.cross_pnl),
        "availableBalance": dec(a.available),
        "maxWithdrawAmount": dec(a.available),
    }


def account_v3(a: AccountFigures, update_ms: int) -> Json:
    return {
        **_account_totals(a),
        "assets": [_usdt_asset(a, update_ms)],
        "positions": [_account_position(f, update_ms) for f in a.positions],
    }


def account_v2(a: AccountFigures, markets: tuple[SimMarket, ...], update_ms: int) -> Json:
    held = {f.market.id: f for f in a.positions}
    positions = []
    for m in markets:
        f = held.get(m.id)
        if f is None:
            positions.append(_closed_account_position(m))
        else:
            entry = _account_position(f, update_ms)
            entry.update(
                leverage=str(f.source.leverage),
                entryPrice=plain(f.source.entry_price),
                isolated=f.source.isolated,
                maxNotional=plain(_max_notional(f.market, f.source.leverage)),
            )
            positions.append(entry)
    asset = {**_usdt_asset(a, update_ms), "marginAvailable": True}
    return {
        "feeTier": 0,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "feeBurn": True,
        "tradeGroupId": "-1",
        "updateTime": 0,
        "multiAssetsMargin": False,
        **_account_totals(a),
        "assets": [asset],
        "positions": positions,
    }


def balance(a: AccountFigures, update_ms: int) -> list[Json]:
    return [
        {
            "accountAlias": "SgsR",
            "asset": COLLATERAL,
            "balance": dec(a.total_wallet),
            "crossWalletBalance": dec(a.book.wallet),
            "crossUnPnl": dec(a.cross_pnl),
            "availableBalance": dec(a.available),
            "maxWithdrawAmount": dec(a.available),
            "marginAvailable": True,
            "updateTime": update_ms,
        }
    ]
