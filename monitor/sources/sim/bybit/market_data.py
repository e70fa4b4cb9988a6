"""Public answers: instruments, tickers, risk limits, tiered collateral ratios, server time.

Shapes follow docs/v5/market/instrument, tickers, risk-limit and
docs/v5/spot-margin-uta/tier-collateral-ratio. The venue quotes no basis: a linear ticker's
indexPrice equals its markPrice (and lastPrice), which is also the USD price the account values
collateral at (chosen; Bybit values collateral at its USD index price).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from monitor.sources.sim.bybit.auth import BybitError
from monitor.sources.sim.bybit.collateral import COLLATERAL_TIERS
from monitor.sources.sim.bybit.fmt import amount, fixed
from monitor.sources.sim.bybit.markets import SPOT_PAIRS, BybitMarket

FUNDING_INTERVAL_MS = 8 * 3_600_000


def category_of(params: Mapping[str, str], allowed: Sequence[str]) -> str:
    category = params.get("category", "")
    if category not in allowed:
        raise BybitError(10001, f"params error: category only support {','.join(allowed)}")
    return category


def instrument(m: BybitMarket) -> dict[str, Any]:
    return {
        "symbol": m.id,
        "contractType": m.contract_type,
        "status": "Trading",
        "baseCoin": m.base,
        "quoteCoin": m.quote,
        "launchTime": str(m.launch_time),
        "deliveryTime": "0",
        "deliveryFeeRate": "",
        "priceScale": str(m.price_scale),
        "leverageFilter": {
            "minLeverage": "1",
            "maxLeverage": fixed(m.max_leverage, 2),
            "leverageStep": "0.01",
        },
        "priceFilter": {
            "minPrice": fixed(m.min_price, m.price_scale),
            "maxPrice": fixed(m.max_price, m.price_scale),
            "tickSize": m.tick,
        },
        "lotSizeFilter": {
            "maxOrderQty": m.max_qty,
            "minOrderQty": m.qty_step,
            "qtyStep": m.qty_step,
            "postOnlyMaxOrderQty": m.max_qty,
            "maxMktOrderQty": m.max_qty,
            "minNotionalValue": "5",
        },
        "unifiedMarginTrade": True,
        "fundingInterval": 480,
        "settleCoin": m.settle,
        "copyTrading": "both",
        "upperFundingRate": "0.005",
        "lowerFundingRate": "-0.005",
        "isPreListing": False,
        "preListingInfo": None,
        "riskParameters": {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"},
        "displayName": "",
    }


def spot_instrument(pair: tuple[str, str, str, str, str]) -> dict[str, Any]:
    symbol, base, quote, base_precision, tick = pair
    return {
        "symbol": symbol,
        "baseCoin": base,
        "quoteCoin": quote,
        "innovation": "0",
        "status": "Trading",
        "marginTrading": "utaOnly",
        "stTag": "0",
        "lotSizeFilter": {
            "basePrecision": base_precision,
            "quotePrecision": "0.00000001",
            "minOrderQty": base_precision,
            "maxOrderQty": "1000000",
            "minOrderAmt": "5",
            "maxOrderAmt": "8000000",
        },
        "priceFilter": {"tickSize": tick},
        "riskParameters": {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"},
    }


def instruments(markets: Sequence[BybitMarket], params: Mapping[str, str]) -> dict[str, Any]:
    category = category_of(params, ("spot", "linear", "inverse", "option"))
    symbol, base = params.get("symbol"), params.get("baseCoin")
    rows: list[dict[str, Any]] = []
    if category == "spot":
        rows = [spot_instrument(p) for p in SPOT_PAIRS if symbol in (None, p[0])]
    elif category == "linear" and params.get("status", "Trading") == "Trading":
        rows = [instrument(m) for m in markets if symbol in (None, m.id) and base in (None, m.base)]
    return {"category": category, "list": rows, "nextPageCursor": ""}


def linear_ticker(m: BybitMarket, mark: float, now_ms: int) -> dict[str, Any]:
    price = fixed(mark, m.price_scale)
    return {
        "symbol": m.id,
        "lastPrice": price,
        "indexPrice": price,
        "markPrice": price,
        "prevPrice24h": price,
        "price24hPcnt": "0",
        "highPrice24h": price,
        "lowPrice24h": price,
        "prevPrice1h": price,
        "openInterest": "0",
        "openInterestValue": "0",
        "turnover24h": "0",
        "volume24h": "0",
        "fundingRate": "0.0001",
        "nextFundingTime": str((now_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS),
        "predictedDeliveryPrice": "",
        "basisRate": "",
        "deliveryFeeRate": "",
        "deliveryTime": "0",
        "ask1Size": "1",
        "bid1Price": fixed(mark - float(m.tick), m.price_scale),
        "ask1Price": price,
        "bid1Size": "1",
        "basis": "",
    }


def tickers(
    markets: Sequence[BybitMarket],
    marks: Mapping[str, float],
    spot_prices: Mapping[str, float],
    params: Mapping[str, str],
    now_ms: int,
) -> dict[str, Any]:
    category = category_of(params, ("spot", "linear", "inverse", "option"))
    symbol, base = params.get("symbol"), params.get("baseCoin")
    rows: list[dict[str, Any]] = []
    if category == "linear":
        rows = [
            linear_ticker(m, marks[m.id], now_ms)
            for m in markets
            if symbol in (None, m.id) and base in (None, m.base)
        ]
    elif category == "spot":
        for pair in SPOT_PAIRS:
            if symbol in (None, pair[0]):
                last = amount(spot_prices[pair[0]])
                rows.append(
                    {
                        "symbol": pair[0],
                        "bid1Price": last,
                        "bid1Size": "1",
                        "ask1Price": last,
                        "ask1Size": "1",
                        "lastPrice": last,
                        "prevPrice24h": last,
                        "price24hPcnt": "0",
                        "highPrice24h": last,
                        "lowPrice24h": last,
                        "turnover24h": "0",
                        "volume24h": "0",
                        "usdIndexPrice": last,
                    }
                )
    if symbol is not None and not rows:
        raise BybitError(10001, "Not supported symbols")
    return {"category": category, "list": rows}


def risk_limits(markets: Sequence[BybitMarket], params: Mapping[str, str]) -> dict[str, Any]:
    category = category_of(params, ("linear", "inverse"))
    symbol = params.get("symbol")
    rows = []
    if category == "linear":
        for m in markets:
            if symbol not in (None, m.id):
                continue
            for t in m.tiers:
                rows.append(
                    {
                        "id": t.id,
                        "symbol": m.id,
                        "riskLimitValue": amount(t.risk_limit_value),
                        "maintenanceMargin": amount(t.mmr),
                        "initialMargin": amount(t.imr),
                        "isLowestRisk": 1 if t.id == 1 else 0,
                        "maxLeverage": fixed(t.max_leverage, 2),
                        "mmDeduction": "" if t.id == 1 else amount(t.mm_deduction),
                    }
                )
    if symbol is not None and not rows:
        raise BybitError(10001, "params error: symbol invalid")
    return {"category": category, "list": rows, "nextPageCursor": ""}


def collateral_ratios(params: Mapping[str, str]) -> dict[str, Any]:
    currency = params.get("currency")
    rows = []
    for coin, tiers in COLLATERAL_TIERS.items():
        if currency not in (None, coin):
            continue
        ratios = [
            {
                "minQty": amount(t.min_qty),
                "maxQty": "" if math.isinf(t.max_qty) else amount(t.max_qty),
                "collateralRatio": amount(t.ratio),
            }
            for t in tiers
        ]
        rows.append({"currency": coin, "collateralRatioList": ratios})
    if currency is not None and not rows:
        raise BybitError(10001, "params error: currency invalid")
    return {"list": rows}


def server_time(now_ms: int) -> dict[str, Any]:
    return {"timeSecond": str(now_ms // 1000), "timeNano": str(now_ms * 1_000_000)}
