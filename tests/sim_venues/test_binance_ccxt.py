"""Hedge-mode, two-pool and multi-assets books served to the real ccxt binanceusdm (async), over
real HTTP on 127.0.0.1, with ccxt's own signing.

Expected values come from the books (the venue's inputs), Binance's rules applied directly to
what the venue serves (tests/sources/sim_rules.py), and the venue's reported figures where the
test is that the payload carries them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from decimal import ROUND_DOWN, Decimal
from typing import Any

import ccxt
import ccxt.async_support as ccxt_async
import pytest

from monitor.sources.sim import MARKETS, SimBook, SimVenue, async_binanceusdm_at
from tests.sim_venues.test_binance_invariants import HEDGE, MARKS, MULTI, TWO_POOLS
from tests.sources.sim_rules import pool_state

BY_ID = {m.id: m for m in MARKETS}
SECRET = "binance-test-secret"
Call = Callable[[ccxt_async.binanceusdm], Awaitable[Any]]


@pytest.fixture
def venue() -> Iterator[SimVenue]:
    v = SimVenue(seed=5, demo_book=None)
    v.set_marks(MARKS)
    v.start()
    yield v
    v.stop()


def served(venue: SimVenue, book: SimBook, call: Call, secret: str = SECRET) -> Any:
    """Open an account holding `book` and run `call` on a fresh async client for it."""
    key = f"key-{book.name}"
    if key not in venue.secrets():
        venue.add_book(book, key, SECRET)

    async def run() -> Any:
        client = async_binanceusdm_at(venue.url, key, secret, enable_rate_limit=False)
        try:
            return await call(client)
        finally:
            await client.close()

    return asyncio.run(run())


def f(text: str) -> float:
    return float(text)


def test_usdc_markets_and_their_brackets(venue: SimVenue) -> None:
    async def call(ex: ccxt_async.binanceusdm) -> Any:
        markets = await ex.load_markets()
        tiers = await ex.fetch_leverage_tiers(["BTC/USDC:USDC", "ETH/USDC:USDC"])
        mark = await ex.fetch_mark_price("BTC/USDC:USDC")
        return markets, tiers, mark

    markets, tiers, mark = served(venue, TWO_POOLS, call)
    btc = markets["BTC/USDC:USDC"]
    assert (btc["settle"], btc["quote"], btc["linear"], btc["id"]) == (
        "USDC",
        "USDC",
        True,
        "BTCUSDC",
    )
    for symbol, market_id in (("BTC/USDC:USDC", "BTCUSDC"), ("ETH/USDC:USDC", "ETHUSDC")):
        table = BY_ID[market_id].brackets
        assert [t["minNotional"] for t in tiers[symbol]] == [b.floor for b in table]
        assert [t["maintenanceMarginRate"] for t in tiers[symbol]] == [b.rate for b in table]
        assert [float(t["info"]["cum"]) for t in tiers[symbol]] == [b.cum for b in table]
    assert mark["markPrice"] == MARKS["BTCUSDC"]


def test_a_hedge_mode_book(venue: SimVenue) -> None:
    async def call(ex: ccxt_async.binanceusdm) -> Any:
        mode = await ex.fetch_position_mode()
        v3 = await ex.fetch_positions()
        v2 = await ex.fetch_positions(params={"useV2": True})
        account = await ex.fapiPrivateV2GetAccount()
        return mode, v3, v2, account

    mode, v3, v2, account = served(venue, HEDGE, call)
    assert mode["hedged"] is True
    assert len(v3) == len(v2) == len(HEDGE.positions)  # ccxt drops v2's all-zero rows
    reported = venue.reported(f"key-{HEDGE.name}")
    for rows in (v3, v2):
        by_leg = {(p["symbol"], p["side"]): p for p in rows}
        for held, theirs in zip(HEDGE.positions, reported.positions, strict=True):
            got = by_leg[(theirs.symbol, theirs.side)]
            assert got["hedged"] is True
            assert got["info"]["positionSide"] == ("LONG" if held.amount > 0 else "SHORT")
            assert got["contracts"] == pytest.approx(abs(held.amount))
            # Quoted with Binance's 8 decimals.
            assert got["liquidationPrice"] == pytest.approx(
                theirs.liquidation_price, rel=1e-9, abs=5e-9
            )
    btc = [p for p in v3 if p["symbol"] == "BTC/USDT:USDT"]
    assert {p["side"] for p in btc} == {"long", "short"}
    assert btc[0]["liquidationPrice"] == btc[1]["liquidationPrice"]  # one price, both legs
    # The account endpoint: both legs of every symbol, and the USDT asset's Binance sums.
    sides = {(p["symbol"], p["positionSide"]) for p in account["positions"]}
    assert sides == {(m.id, s) for m in MARKETS for s in ("LONG", "SHORT")}
    usdt = next(a for a in account["assets"] if a["asset"] == "USDT")
    marks = venue.marks()
    pnl = sum(p.amount * (marks[p.market] - p.entry_price) for p in HEDGE.positions)
    isolated = sum(p.isolated_wallet or 0.0 for p in HEDGE.positions)
    assert f(usdt["walletBalance"]) == pytest.approx(HEDGE.wallet + isolated, abs=1e-8)
    assert f(usdt["marginBalance"]) == pytest.approx(HEDGE.wallet + isolated + pnl, abs=1e-6)
    cross, _ = pool_state(HEDGE, BY_ID, marks, "USDT")
    assert f(usdt["crossWalletBalance"]) + f(usdt["crossUnPnl"]) == pytest.approx(cross, abs=1e-6)
    assert f(account["totalMaintMargin"]) == pytest.approx(f(usdt["maintMargin"]))
    assert account["multiAssetsMargin"] is False


def test_two_pools_in_single_asset_mode(venue: SimVenue) -> None:
    async def call(ex: ccxt_async.binanceusdm) -> Any:
        balance = await ex.fetch_balance()
        positions = await ex.fetch_positions()
        mode = await ex.fapiPrivateGetMultiAssetsMargin()
        rows = await ex.fapiPrivateV2GetBalance()
        return balance, positions, mode, rows

    balance, positions, mode, rows = served(venue, TWO_POOLS, call)
    assert mode == {"multiAssetsMargin": False}
    info, marks = balance["info"], venue.marks()
    reported = venue.reported(f"key-{TWO_POOLS.name}")
    for asset in ("USDT", "USDC"):
        row = next(a for a in info["assets"] if a["asset"] == asset)
        direct_balance, direct_mm = pool_state(TWO_POOLS, BY_ID, marks, asset)
        assert f(row["marginBalance"]) == pytest.approx(direct_balance, abs=1e-6)
        assert f(row["maintMargin"]) == pytest.approx(direct_mm, abs=1e-6)
        assert f(row["marginBalance"]) / f(row["maintMargin"]) == pytest.approx(
            reported.pool(asset).health, rel=1e-9
        )
        assert balance[asset]["total"] == pytest.approx(direct_balance, abs=1e-6)
    # Binance's totals are "only for USDT asset" in single-asset mode.
    usdt = next(a for a in info["assets"] if a["asset"] == "USDT")
    assert info["totalMarginBalance"] == usdt["marginBalance"]
    assert {p["symbol"]: p["info"]["marginAsset"] for p in positions} == {
        "BTC/USDT:USDT": "USDT",
        "ETH/USDT:USDT": "USDT",
        "BTC/USDC:USDC": "USDC",
        "ETH/USDC:USDC": "USDC",
    }
    assert {r["asset"]: f(r["crossWalletBalance"]) for r in rows} == {
        "USDT": 8_000.0,
        "USDC": 5_000.0,
    }


def test_a_multi_assets_book(venue: SimVenue) -> None:
    async def call(ex: ccxt_async.binanceusdm) -> Any:
        mode = await ex.fapiPrivateGetMultiAssetsMargin()
        indexes = await ex.fapiPublicGetAssetIndex()
        one = await ex.fapiPublicGetAssetIndex({"symbol": "BTCUSD"})
        v2 = await ex.fapiPrivateV2GetAccount()
        balance = await ex.fetch_balance()
        positions = await ex.fetch_positions()
        return mode, indexes, one, v2, balance, positions

    mode, indexes, one, v2, balance, positions = served(venue, MULTI, call)
    assert mode == {"multiAssetsMargin": True}
    assert v2["multiAssetsMargin"] is True
    rates = {}
    for row in indexes:
        index = Decimal(row["index"])
        bid = (index * (1 - Decimal(row["bidBuffer"]))).quantize(Decimal("1e-8"), ROUND_DOWN)
        ask = (index * (1 + Decimal(row["askBuffer"]))).quantize(Decimal("1e-8"), ROUND_DOWN)
        assert (Decimal(row["bidRate"]), Decimal(row["askRate"])) == (bid, ask)
        rates[row["symbol"].removesuffix("USD")] = (float(bid), float(ask))
    assert set(rates) == {"USDT", "USDC", "BTC"}
    listed = next(r for r in indexes if r["symbol"] == "BTCUSD")
    assert {k: v for k, v in one.items() if k != "time"} == {
        k: v for k, v in listed.items() if k != "time"
    }
    # The BTC index follows BTCUSDT's mark (in USD through the USDTUSD index).
    assert f(one["index"]) == pytest.approx(MARKS["BTCUSDT"] * f(indexes[0]["index"]), rel=1e-9)
    for info in (v2, balance["info"]):
        assets = {a["asset"]: a for a in info["assets"]}
        assert f(assets["BTC"]["walletBalance"]) == pytest.approx(0.2)
        equity = sum(
            min(f(a["marginBalance"]) * rates[k][0], f(a["marginBalance"]) * rates[k][1])
            for k, a in assets.items()
        )
        required = sum(f(a["maintMargin"]) * rates[k][1] for k, a in assets.items())
        assert f(info["totalMarginBalance"]) == pytest.approx(equity, abs=1e-6)
        assert f(info["totalMaintMargin"]) == pytest.approx(required, abs=1e-6)
    direct = pool_state(MULTI, BY_ID, venue.marks(), "USD", None, rates)
    assert f(v2["totalMarginBalance"]) == pytest.approx(direct[0], abs=1e-6)
    assert f(v2["totalMaintMargin"]) == pytest.approx(direct[1], abs=1e-6)
    reported = venue.reported(f"key-{MULTI.name}")
    assert reported.pool("USD").health == pytest.approx(direct[0] / direct[1], rel=1e-9)
    for p in positions:
        theirs = reported.position(p["symbol"], p["side"])
        assert p["liquidationPrice"] == pytest.approx(theirs.liquidation_price, rel=1e-9, abs=5e-9)
        market = p["info"]["symbol"]
        at_liq = pool_state(
            MULTI, BY_ID, venue.marks(), "USD", {market: p["liquidationPrice"]}, rates
        )
        assert at_liq[0] / at_liq[1] == pytest.approx(1.0, abs=1e-7)  # quoted to 8 decimals


def test_bad_requests_get_binances_errors(venue: SimVenue) -> None:
    async def bad_symbol(ex: ccxt_async.binanceusdm) -> Any:
        return await ex.fapiPublicGetAssetIndex({"symbol": "LUNAUSD"})

    with pytest.raises(ccxt.BadSymbol, match="-1121"):
        served(venue, MULTI, bad_symbol)

    async def mode(ex: ccxt_async.binanceusdm) -> Any:
        return await ex.fetch_position_mode()

    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        served(venue, HEDGE, mode, secret="not-the-secret")
