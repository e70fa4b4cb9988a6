"""Position rows (positionRisk v2/v3, account positions[]) in Binance USDⓈ-M's shapes.

Modelled on the recorded real responses in the ccxt fixtures and the "Position Information
V2/V3" docs (marginAsset is a v3 field: V2 rows carry none, as on Binance). In hedge mode
(dualSidePosition) each symbol has a LONG and a SHORT row; the SHORT row's positionAmt and
notional are negative, as Binance sends them (ccxt reads the side from the notional's sign and
`hedged` from positionSide != "BOTH").
"""

from __future__ import annotations

from typing import Any

from monitor.sources.sim.figures import PositionFigures, dec, plain
from monitor.sources.sim.markets import SimMarket

Json = dict[str, Any]
DEFAULT_LEVERAGE = 20  # Binance's default for a symbol never traded


def max_notional(market: SimMarket, leverage: int) -> float:
    allowed = [b.cap for b in market.brackets if b.initial_leverage >= leverage]
    return max(allowed, default=market.brackets[0].cap)


def position_sides(hedge: bool) -> tuple[str, ...]:
    return ("LONG", "SHORT") if hedge else ("BOTH",)


def position_risk_v3(f: PositionFigures, update_ms: int) -> Json:
    p = f.source
    return {
        "symbol": f.market.id,
        "positionSide": p.side,
        "positionAmt": plain(p.amount),
        "entryPrice": plain(p.entry_price),
        "breakEvenPrice": plain(p.entry_price),
        "markPrice": dec(f.mark),
        "unRealizedProfit": dec(f.pnl),
        "liquidationPrice": dec(f.reported_liquidation or 0.0),
        "isolatedMargin": dec(f.isolated_margin),
        "notional": dec(f.notional),
        "marginAsset": f.asset,
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
        "maxNotionalValue": plain(max_notional(f.market, p.leverage)),
        "marginType": "isolated" if p.isolated else "cross",
        "isolatedMargin": dec(f.isolated_margin),
        "isAutoAddMargin": "false",
        "positionSide": p.side,
        "notional": dec(f.notional),
        "isolatedWallet": dec(p.isolated_wallet or 0.0),
        "updateTime": update_ms,
        "isolated": p.isolated,
        "adlQuantile": 1,
    }


def closed_position_risk_v2(market: SimMarket, side: str = "BOTH") -> Json:
    """V2 lists every symbol (each side in hedge mode); the ones not held come back as zeros."""
    leverage = min(DEFAULT_LEVERAGE, market.max_leverage())
    return {
        "symbol": market.id,
        "positionAmt": "0.000",
        "entryPrice": "0.0",
        "breakEvenPrice": "0.0",
        "markPrice": "0.00000000",
        "unRealizedProfit": "0.00000000",
        "liquidationPrice": "0",
        "leverage": str(leverage),
        "maxNotionalValue": plain(max_notional(market, leverage)),
        "marginType": "cross",
        "isolatedMargin": "0.00000000",
        "isAutoAddMargin": "false",
        "positionSide": side,
        "notional": "0",
        "isolatedWallet": "0",
        "updateTime": 0,
        "isolated": False,
        "adlQuantile": 0,
    }


def account_position(f: PositionFigures, update_ms: int) -> Json:
    return {
        "symbol": f.market.id,
        "positionSide": f.source.side,
        "positionAmt": plain(f.source.amount),
        "unrealizedProfit": dec(f.pnl),
        "isolatedMargin": dec(f.isolated_margin),
        "notional": dec(f.notional),
        "isolatedWallet": dec(f.source.isolated_wallet or 0.0),
        "initialMargin": dec(f.initial_margin),
        "maintMargin": dec(f.maintenance),
        "updateTime": update_ms,
    }


def account_position_v2(f: PositionFigures, update_ms: int) -> Json:
    entry = account_position(f, update_ms)
    entry.update(
        leverage=str(f.source.leverage),
        entryPrice=plain(f.source.entry_price),
        isolated=f.source.isolated,
        maxNotional=plain(max_notional(f.market, f.source.leverage)),
    )
    return entry


def closed_account_position(market: SimMarket, side: str = "BOTH") -> Json:
    leverage = min(DEFAULT_LEVERAGE, market.max_leverage())
    return {
        "symbol": market.id,
        "positionSide": side,
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
        "maxNotional": plain(max_notional(market, leverage)),
        "updateTime": 0,
    }
