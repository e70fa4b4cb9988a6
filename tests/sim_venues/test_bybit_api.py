"""Real ccxt (async) bybit against the simulated Bybit v5 venue: markets, risk limits, fee
rates, account info, collateral tiers, paging, and Bybit's errors for bad keys and requests.
"""

from __future__ import annotations

import itertools
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from monitor.sources.sim.bybit import DEMO_BOOK, DEMO_CREDENTIALS, BybitCredentials, serve
from tests.sim_venues.test_bybit_helpers import BTC_EXAMPLE, call, cross, isolated, venue

__all__ = ["cross", "isolated", "venue"]  # module-scoped fixtures used here


def test_load_markets_lists_usdt_and_usdc_perpetuals_with_their_filters(venue, cross):
    markets = call(venue, cross, lambda ex: ex.load_markets())
    btc, perp = markets["BTC/USDT:USDT"], markets["BTC/USDC:USDC"]
    assert (btc["id"], btc["linear"], btc["swap"], btc["settle"]) == ("BTCUSDT", True, True, "USDT")
    assert (perp["id"], perp["settle"], perp["quote"]) == ("BTCPERP", "USDC", "USDC")
    assert btc["precision"] == {"amount": 0.001, "price": 0.1}
    assert btc["limits"]["leverage"]["max"] == 100
    assert markets["SOL/USDT:USDT"]["precision"]["price"] == 0.01
    assert "BTC/USDT" in markets  # spot pairs load too


def test_risk_limit_tiers_chain_and_their_deductions_keep_mm_continuous(venue, cross):
    async def work(ex: Any) -> Any:
        return (
            await ex.fetch_leverage_tiers(["BTC/USDT:USDT"]),
            await ex.fetch_market_leverage_tiers("BTC/USDC:USDC"),
        )

    tiers, perp = call(venue, cross, work)
    for table in (tiers["BTC/USDT:USDT"], perp):
        assert table[0]["minNotional"] == 0 and table[0]["info"]["mmDeduction"] == ""
        for low, high in itertools.pairwise(table):
            assert high["minNotional"] == low["maxNotional"]
            edge, low_cut = low["maxNotional"], float(low["info"]["mmDeduction"] or 0)
            assert edge * low["maintenanceMarginRate"] - low_cut == pytest.approx(
                edge * high["maintenanceMarginRate"] - float(high["info"]["mmDeduction"])
            )
            assert high["maxLeverage"] == pytest.approx(
                1 / float(high["info"]["initialMargin"]), abs=0.005
            )


def test_fee_rate_account_info_and_collateral_tiers(venue, cross, isolated):
    async def work(ex: Any) -> Any:
        return (
            await ex.private_get_v5_account_fee_rate({"category": "linear", "symbol": "BTCPERP"}),
            await ex.fetch_trading_fee("ETH/USDT:USDT"),
            await ex.private_get_v5_account_info(),
            await ex.public_get_v5_spot_margin_trade_collateral({"currency": "BTC"}),
        )

    fee, trading_fee, info, collateral = call(venue, cross, work)
    assert fee["result"]["list"] == [
        {"symbol": "BTCPERP", "takerFeeRate": "0.0004", "makerFeeRate": "0.0002"}
    ]
    assert trading_fee["taker"] == 0.0004
    assert info["result"]["marginMode"] == "REGULAR_MARGIN"
    assert info["result"]["unifiedMarginStatus"] == 5
    btc = collateral["result"]["list"][0]
    assert btc["currency"] == "BTC"
    ratios = [(r["minQty"], r["maxQty"], r["collateralRatio"]) for r in btc["collateralRatioList"]]
    assert ratios == BTC_EXAMPLE
    other = call(venue, isolated, lambda ex: ex.private_get_v5_account_info())
    assert other["result"]["marginMode"] == "ISOLATED_MARGIN"


def test_position_list_pages_with_bybit_cursors(venue, cross):
    async def work(ex: Any) -> list[list[str]]:
        pages, cursor = [], None
        while True:
            params = {"category": "linear", "settleCoin": "USDT", "limit": 2}
            if cursor:
                params["cursor"] = cursor
            result = (await ex.private_get_v5_position_list(params))["result"]
            pages.append([f"{r['symbol']}/{r['positionIdx']}" for r in result["list"]])
            cursor = result["nextPageCursor"]
            if not cursor:
                return pages

    assert call(venue, cross, work) == [["BTCUSDT/0", "ETHUSDT/1"], ["ETHUSDT/2", "SOLUSDT/0"], []]
    calls = [s.params for s in venue.served if s.path == "/v5/position/list"]
    assert {"settleCoin": "USDT", "limit": "2", "category": "linear"}.items() <= calls[-3].items()


def test_a_wrong_key_or_signature_or_stale_timestamp_is_refused_the_bybit_way(venue, cross):
    wrong_key = BybitCredentials("no-such-key", cross.secret)
    with pytest.raises(ccxt_async.AuthenticationError, match="10003"):
        call(venue, wrong_key, lambda ex: ex.fetch_balance())
    wrong_secret = BybitCredentials(cross.api_key, "not-the-secret")
    with pytest.raises(ccxt_async.AuthenticationError, match="10004"):
        call(venue, wrong_secret, lambda ex: ex.private_get_v5_account_info())
    with pytest.raises(ccxt_async.InvalidNonce, match="10002"):
        call(venue, cross, lambda ex: ex.private_get_v5_account_info(), timeDifference=60_000)


def test_bad_requests_get_bybit_error_codes(venue, cross):
    with pytest.raises(ccxt_async.BadRequest, match="10001"):
        call(venue, cross, lambda ex: ex.private_get_v5_position_list({"category": "linear"}))
    with pytest.raises(ccxt_async.BadRequest, match="10017"):
        call(venue, cross, lambda ex: ex.public_get_v5_market_orderbook({"category": "linear"}))


def test_serve_starts_the_demo_account_under_the_demo_credentials():
    demo, url = serve()
    try:
        assert url == demo.url
        balance = call(demo, DEMO_CREDENTIALS, lambda ex: ex.fetch_balance())
        assert {c: balance[c]["total"] for c in DEMO_BOOK.coins} == dict(DEMO_BOOK.coins)
        assert {p.pool for p in demo.reported(DEMO_CREDENTIALS.api_key).positions} == {"USD"}
    finally:
        demo.stop()
