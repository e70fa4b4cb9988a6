"""Public market-data bodies (exchangeInfo, leverageBracket, premiumIndex, assetIndex) in
Binance's shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from monitor.sources.sim.collateral import COLLATERAL_ASSETS, AssetIndex
from monitor.sources.sim.figures import dec
from monitor.sources.sim.history import Funding
from monitor.sources.sim.markets import SimMarket

Json = dict[str, Any]

FUNDING_INTERVAL_MS = 8 * 3_600_000
FUNDING_RATE = "0.00010000"


def leverage_brackets(market: SimMarket) -> Json:
    return {
        "symbol": market.id,
        "brackets": [
            {
                "bracket": b.number,
                "initialLeverage": b.initial_leverage,
                "notionalCap": b.cap,
                "notionalFloor": b.floor,
                "maintMarginRatio": b.rate,
                "cum": b.cum,
            }
            for b in market.brackets
        ],
    }


def premium_index(
    market: SimMarket, mark: float, now_ms: int, funding: Funding | None = None
) -> Json:
    interval_ms = FUNDING_INTERVAL_MS if funding is None else funding.interval_hours * 3_600_000
    next_funding = (now_ms // interval_ms + 1) * interval_ms
    return {
        "symbol": market.id,
        "markPrice": dec(mark),
        "indexPrice": dec(mark),
        "estimatedSettlePrice": dec(mark),
        "lastFundingRate": FUNDING_RATE if funding is None else f"{funding.rate:.8f}",
        "interestRate": "0.00010000",
        "nextFundingTime": next_funding,
        "time": now_ms,
    }


def exchange_symbol(m: SimMarket) -> Json:
    return {
        "symbol": m.id,
        "pair": m.id,
        "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000,
        "status": "TRADING",
        "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000",
        "baseAsset": m.base,
        "quoteAsset": m.quote,
        "marginAsset": m.quote,
        "pricePrecision": m.price_precision,
        "quantityPrecision": m.quantity_precision,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": [],
        "settlePlan": 0,
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "maxMoveOrderLimit": 10000,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "tickSize": m.tick_size,
                "minPrice": m.tick_size,
                "maxPrice": "4529764",
            },
            {
                "filterType": "LOT_SIZE",
                "stepSize": m.step_size,
                "minQty": m.step_size,
                "maxQty": "10000000",
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "stepSize": m.step_size,
                "minQty": m.step_size,
                "maxQty": "1000000",
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": "5"},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": "1.0500",
                "multiplierDown": "0.9500",
                "multiplierDecimal": "4",
            },
        ],
        "orderTypes": [
            "LIMIT",
            "MARKET",
            "STOP",
            "STOP_MARKET",
            "TAKE_PROFIT",
            "TAKE_PROFIT_MARKET",
            "TRAILING_STOP_MARKET",
        ],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
    }


def exchange_info(markets: tuple[SimMarket, ...], now_ms: int) -> Json:
    return {
        "timezone": "UTC",
        "serverTime": now_ms,
        "futuresType": "U_MARGINED",
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": 2400,
            },
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
        ],
        "exchangeFilters": [],
        "assets": [
            {"asset": asset, "marginAvailable": True, "autoAssetExchange": "-10000"}
            for asset in COLLATERAL_ASSETS
        ],
        "symbols": [exchange_symbol(m) for m in markets],
    }


def asset_index(row: AssetIndex, now_ms: int) -> Json:
    """One row of GET /fapi/v1/assetIndex ("Multi-Assets Mode Asset Index")."""
    return {
        "symbol": row.symbol,
        "time": now_ms,
        "index": dec8(row.index),
        "bidBuffer": dec8(row.bid_buffer),
        "askBuffer": dec8(row.ask_buffer),
        "bidRate": dec8(row.bid_rate),
        "askRate": dec8(row.ask_rate),
        "autoExchangeBidBuffer": dec8(row.auto_exchange_buffer),
        "autoExchangeAskBuffer": dec8(row.auto_exchange_buffer),
        "autoExchangeBidRate": dec8(row.auto_exchange_bid_rate),
        "autoExchangeAskRate": dec8(row.auto_exchange_ask_rate),
    }


def dec8(value: Decimal) -> str:
    """An exact decimal with Binance's 8 places (the rates are already cut to 8)."""
    return f"{value:.8f}"
