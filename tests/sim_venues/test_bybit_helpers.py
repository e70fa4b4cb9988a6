"""Shared by the Bybit venue tests: the books, a venue per test module, real ccxt calls, and a
straightforward re-evaluation of Bybit's documented account MM rate from what the venue served
(never from the venue's own code).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from monitor.sources.exchange.build import point_at
from monitor.sources.sim.bybit import (
    CCXT_OPTIONS,
    ISOLATED_MARGIN,
    BybitBook,
    BybitCredentials,
    BybitPosition,
    BybitVenue,
)

CROSS = BybitBook(
    {"USDT": 6_000.0, "USDC": 1_500.0, "BTC": 0.1},
    (
        BybitPosition("BTCUSDT", "Buy", 0.4, 61_850.0, 10),
        BybitPosition("ETHUSDT", "Buy", 3.0, 3_310.0, 20, position_idx=1),
        BybitPosition("ETHUSDT", "Sell", 8.0, 3_452.5, 20, position_idx=2),
        BybitPosition("SOLUSDT", "Sell", 60.0, 143.2, 10),
        BybitPosition("BTCPERP", "Buy", 0.15, 63_120.0, 25),
        BybitPosition("ETHPERP", "Sell", 2.5, 3_520.0, 15),
    ),
    taker_fee=0.0004,
)
ISOLATED = BybitBook(
    {"USDT": 3_000.0},
    (
        BybitPosition("BTCUSDT", "Buy", 0.2, 63_000.0, 25),
        BybitPosition("ETHUSDT", "Sell", 3.0, 3_300.0, 10, margin=1_200.0),
    ),
    margin_mode=ISOLATED_MARGIN,
)
BTC_EXAMPLE = [  # help centre, "Understanding Collateral Value Ratios in Unified Trading Account"
    ("0", "10", "0.98"),
    ("10", "20", "0.95"),
    ("20", "30", "0.9"),
    ("30", "40", "0.85"),
    ("40", "50", "0.8"),
    ("50", "", "0"),
]


@pytest.fixture(scope="module")
def venue() -> Iterator[BybitVenue]:
    venue = BybitVenue()
    venue.start()
    yield venue
    venue.stop()


@pytest.fixture(scope="module")
def cross(venue: BybitVenue) -> BybitCredentials:
    return venue.add_account(CROSS, "cross-key", "cross-secret")


@pytest.fixture(scope="module")
def isolated(venue: BybitVenue) -> BybitCredentials:
    return venue.add_account(ISOLATED)


def call(
    venue: BybitVenue,
    creds: BybitCredentials,
    work: Callable[[Any], Awaitable[Any]],
    **options: Any,
) -> Any:
    async def main() -> Any:
        exchange = ccxt_async.bybit(
            {
                "apiKey": creds.api_key,
                "secret": creds.secret,
                "enableRateLimit": False,
                "timeout": 10_000,
                "options": {**CCXT_OPTIONS, **options},
            }
        )
        point_at(exchange, venue.url)
        try:
            return await work(exchange)
        finally:
            await exchange.close()

    return asyncio.run(main())


async def served_account(ex: Any) -> dict[str, Any]:
    """Everything the re-evaluation needs, as the venue serves it."""
    await ex.load_markets()
    usdt, usdc, wallet, tiers, fees, collateral, tickers = await asyncio.gather(
        ex.fetch_positions(None, {"category": "linear"}),
        ex.fetch_positions(None, {"category": "linear", "settleCoin": "USDC"}),
        ex.fetch_balance(),
        ex.fetch_leverage_tiers(),
        ex.private_get_v5_account_fee_rate({"category": "linear"}),
        ex.public_get_v5_spot_margin_trade_collateral(),
        ex.fetch_tickers(None, {"category": "linear"}),
    )
    return {
        "positions": usdt + usdc,
        "usdt": usdt,
        "usdc": usdc,
        "wallet": wallet["info"]["result"]["list"][0],
        "balance": wallet,
        "tiers": tiers,
        "taker": {f["symbol"]: float(f["takerFeeRate"]) for f in fees["result"]["list"]},
        "collateral": {
            c["currency"]: c["collateralRatioList"] for c in collateral["result"]["list"]
        },
        "marks": {s: t["markPrice"] for s, t in tickers.items()},
    }


def position_mm(info: dict[str, Any], mark: float, tiers: list[dict[str, Any]], taker: float):
    """positionMM per Bybit's New Margin Calculation: tier by value at mark, entry-based fee."""
    size, avg, lev = float(info["size"]), float(info["avgPrice"]), float(info["leverage"])
    sign = 1 if info["side"] == "Buy" else -1
    value = size * mark
    tier = next((t for t in tiers if value <= t["maxNotional"]), tiers[-1])
    deduction = float(tier["info"]["mmDeduction"] or 0)
    return value * tier["maintenanceMarginRate"] - deduction + size * avg * (1 - sign / lev) * taker


def collateral_value(qty: float, price: float, ratios: list[dict[str, str]]) -> float:
    counted = 0.0
    for r in ratios:
        high = math.inf if r["maxQty"] == "" else float(r["maxQty"])
        counted += max(0.0, min(qty, high) - float(r["minQty"])) * float(r["collateralRatio"])
    return counted * price


def rate_at(served: dict[str, Any], symbol: str, price: float) -> float:
    """Account MM rate with `symbol` (all its legs, and its base-coin collateral) at `price`."""
    marks = {**served["marks"], symbol: price}
    base = symbol.split("/")[0]
    margin = 0.0
    for coin in served["wallet"]["coin"]:
        name, qty = coin["coin"], float(coin["walletBalance"])
        usd = 1.0 if name in ("USDT", "USDC") else served["marks"][f"{name}/USDT:USDT"]
        if name == base:
            usd *= price / served["marks"][symbol]
        margin += collateral_value(qty, usd, served["collateral"][name])
    mm = 0.0
    for p in served["positions"]:
        info, mark = p["info"], marks[p["symbol"]]
        sign = 1 if info["side"] == "Buy" else -1
        margin += sign * float(info["size"]) * (mark - float(info["avgPrice"]))
        mm += position_mm(info, mark, served["tiers"][p["symbol"]], served["taker"][info["symbol"]])
    return mm / margin
