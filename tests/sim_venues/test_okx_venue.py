"""The simulated OKX venue as real ccxt (async okx) sees it over real HTTP on 127.0.0.1.

Expected values come from the venue's inputs (the book, the marks it was given, the tier table
and fee rates it was configured with) or from OKX's documented shapes, never from its output.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import ccxt.async_support as ccxt
import pytest

from monitor.sources.exchange.build import point_at
from monitor.sources.sim.okx import (
    DEMO_BOOK,
    DEMO_CREDENTIALS,
    DEMO_MARKS,
    INSTRUMENTS,
    OkxBook,
    OkxCredentials,
    OkxPosition,
    OkxVenue,
    okx_at,
    serve,
)

T = TypeVar("T")
BY_ID = {i.inst_id: i for i in INSTRUMENTS}


@pytest.fixture
def demo() -> Iterator[OkxVenue]:
    venue, _url = serve()
    yield venue
    venue.stop()


def call(
    venue: OkxVenue, fn: Callable[[Any], Awaitable[T]], creds: OkxCredentials = DEMO_CREDENTIALS
) -> T:
    async def go() -> T:
        exchange = okx_at(venue.url, creds)
        try:
            return await fn(exchange)
        finally:
            await exchange.close()

    return asyncio.run(go())


def signed(pos: float, side: str) -> float:
    return -pos if side == "short" else pos


def test_load_markets_through_the_apps_pointing_asks_instruments_and_currencies(
    demo: OkxVenue,
) -> None:
    async def load() -> dict[str, Any]:
        exchange = ccxt.okx(
            {
                "apiKey": DEMO_CREDENTIALS.api_key,
                "secret": DEMO_CREDENTIALS.secret,
                "password": DEMO_CREDENTIALS.passphrase,
            }
        )
        point_at(exchange, demo.url)  # how the app points ccxt at a custom URL
        try:
            return dict(await exchange.load_markets())
        finally:
            await exchange.close()

    markets = asyncio.run(load())
    assert set(markets) == {i.symbol for i in INSTRUMENTS}
    for inst in INSTRUMENTS:
        m = markets[inst.symbol]
        assert (m["id"], m["type"], m["linear"], m["settle"]) == (
            inst.inst_id, "swap", True, inst.settle
        )  # fmt: skip
        assert m["contractSize"] == inst.ct_val
        assert m["precision"] == {"amount": inst.lot_sz, "price": inst.tick_sz}
        assert m["limits"]["leverage"]["max"] == inst.lever
    assert markets["BTC/USDC:USDC"]["contractSize"] == 0.0001
    paths = [path for _method, path in demo.requests()]
    # spot, futures, swap and two option underlyings, plus the currencies (credentials set)
    assert sorted(paths) == ["/api/v5/asset/currencies"] + ["/api/v5/public/instruments"] * 5


def test_positions_parse_to_the_book_at_the_marks(demo: OkxVenue) -> None:
    positions = call(demo, lambda ex: ex.fetch_positions())
    assert len(positions) == len(DEMO_BOOK.positions)
    got = {(p["symbol"], p["side"]): p for p in positions}
    for held in DEMO_BOOK.positions:
        inst = BY_ID[held.inst_id]
        p = got[(inst.symbol, held.pos_side)]
        mark = DEMO_MARKS[held.inst_id]
        assert p["contracts"] == held.pos
        assert p["contractSize"] == inst.ct_val
        assert p["entryPrice"] == held.avg_px
        assert p["markPrice"] == mark
        assert p["marginMode"] == held.mgn_mode
        assert p["hedged"] is True  # long_short_mode
        assert p["leverage"] == held.lever
        upl = signed(held.pos, held.pos_side) * inst.ct_val * (mark - held.avg_px)
        assert p["unrealizedPnl"] == pytest.approx(upl, rel=1e-12, abs=1e-9)
        assert p["notional"] == pytest.approx(held.pos * inst.ct_val * mark, rel=1e-12)
        rate = inst.tier_for(held.pos).mmr
        assert p["maintenanceMargin"] == pytest.approx(held.pos * inst.ct_val * mark * rate)
        if held.mgn_mode == "isolated":
            assert p["collateral"] == pytest.approx((held.margin or 0) + upl, rel=1e-12)
            assert p["info"]["imr"] == ""
        else:
            assert p["info"]["margin"] == ""
            assert float(p["info"]["imr"]) == pytest.approx(p["notional"] / held.lever)
    # "Return in reverse chronological order using ctime."
    times = [int(p["info"]["cTime"]) for p in positions]
    assert times == sorted(times, reverse=True)


def test_a_net_mode_short_is_a_negative_pos_with_posside_net() -> None:
    venue = OkxVenue({"SOL-USDT-SWAP": 140.0})
    book = OkxBook("net", {"USDT": 500.0}, (OkxPosition("SOL-USDT-SWAP", -25.5, 150.0, 5),))
    creds = venue.add_book(book)
    venue.start()
    try:
        (p,) = call(venue, lambda ex: ex.fetch_positions(), creds)
    finally:
        venue.stop()
    assert (p["info"]["pos"], p["info"]["posSide"]) == ("-25.5", "net")
    assert (p["side"], p["contracts"], p["hedged"]) == ("short", 25.5, False)
    assert p["unrealizedPnl"] == pytest.approx(-25.5 * 1 * (140.0 - 150.0))


def test_balance_carries_cash_and_the_equity_of_each_currency(demo: OkxVenue) -> None:
    balance = call(demo, lambda ex: ex.fetch_balance({"type": "swap"}))
    details = {d["ccy"]: d for d in balance["info"]["data"][0]["details"]}
    assert set(details) == {"USDT", "USDC"}
    for ccy, cash in DEMO_BOOK.cash.items():
        row = details[ccy]
        assert float(row["cashBal"]) == cash
        legs = [p for p in DEMO_BOOK.positions if BY_ID[p.inst_id].settle == ccy]
        upl = sum(
            signed(p.pos, p.pos_side) * BY_ID[p.inst_id].ct_val
            * (DEMO_MARKS[p.inst_id] - p.avg_px) for p in legs
        )  # fmt: skip
        iso_margin = sum(p.margin or 0.0 for p in legs if p.mgn_mode == "isolated")
        assert float(row["upl"]) == pytest.approx(upl, rel=1e-12)
        assert float(row["eq"]) == pytest.approx(cash + upl + iso_margin, rel=1e-12)
        assert balance[ccy]["total"] == pytest.approx(cash + upl + iso_margin, rel=1e-12)
        assert float(row["mgnRatio"]) > 1
    assert details["USDC"]["isoEq"] != "0"  # the isolated ETH-USDC long lives in USDC


def test_position_tiers_are_bands_of_contracts(demo: OkxVenue) -> None:
    for mode in ("cross", "isolated"):

        async def read(ex: Any, mode: str = mode) -> Any:
            query = {"instType": "SWAP", "tdMode": mode, "instFamily": "BTC-USDT"}
            return await ex.publicGetPublicPositionTiers(query)

        tiers = call(demo, read)
        assert tiers["code"] == "0"
        rows = tiers["data"]
        assert [(r["minSz"], r["maxSz"], r["mmr"]) for r in rows[:3]] == [
            ("0", "1000", "0.004"),
            ("1000.01", "5000", "0.005"),
            ("5000.01", "20000", "0.0075"),
        ]
        assert {r["instFamily"] for r in rows} == {"BTC-USDT"}
    # ccxt files OKX's contract bands under minNotional/maxNotional: they stay contract counts.
    (first, *_rest) = call(demo, lambda ex: ex.fetch_market_leverage_tiers("BTC/USDT:USDT"))
    assert (first["maxNotional"], first["maintenanceMarginRate"]) == (1000, 0.004)
    with pytest.raises(ccxt.BadRequest, match="50014"):
        call(demo, lambda ex: ex.publicGetPublicPositionTiers({"instType": "SWAP",
                                                               "tdMode": "cross"}))  # fmt: skip


def test_trade_fee_rates_are_published_negative(demo: OkxVenue) -> None:
    fees = DEMO_BOOK.fees
    usdt = call(demo, lambda ex: ex.privateGetAccountTradeFee({"instType": "SWAP"}))["data"][0]
    assert float(usdt["takerU"]) == -fees.taker_usdt
    assert float(usdt["makerU"]) == -fees.maker_usdt
    assert float(usdt["takerUSDC"]) == -fees.taker_usdc
    assert float(usdt["feeGroup"][0]["taker"]) == -fees.taker_usdt
    usdc = call(
        demo,
        lambda ex: ex.privateGetAccountTradeFee({"instType": "SWAP", "instFamily": "BTC-USDC"}),
    )["data"][0]
    assert float(usdc["feeGroup"][0]["taker"]) == -fees.taker_usdc
    fee = call(demo, lambda ex: ex.fetch_trading_fee("BTC/USDT:USDT"))
    assert fee["taker"] == fees.taker_crypto  # ccxt flips OKX's sign


def test_account_config_and_mark_prices(demo: OkxVenue) -> None:
    config = call(demo, lambda ex: ex.privateGetAccountConfig())["data"][0]
    assert (config["acctLv"], config["posMode"]) == ("2", "long_short_mode")
    marks = call(demo, lambda ex: ex.fetch_mark_prices())
    assert {s: t["markPrice"] for s, t in marks.items()} == {
        BY_ID[k].symbol: v for k, v in DEMO_MARKS.items()
    }
    demo.set_marks({"BTC/USDT:USDT": 55_555.5})
    again = call(demo, lambda ex: ex.fetch_mark_price("BTC/USDT:USDT"))
    assert again["markPrice"] == 55_555.5


def test_unknown_instrument_is_a_bad_symbol(demo: OkxVenue) -> None:
    with pytest.raises(ccxt.BadSymbol, match="51001"):
        call(demo, lambda ex: ex.privateGetAccountPositions({"instId": "DOGE-USDT-SWAP"}))


@pytest.mark.parametrize(
    ("creds", "code"),
    [
        (OkxCredentials("sim-okx-key", "sim-okx-secret", "wrong", "demo"), "50105"),
        (OkxCredentials("sim-okx-key", "wrong-secret", "sim-okx-passphrase", "demo"), "50113"),
        (OkxCredentials("no-such-key", "sim-okx-secret", "sim-okx-passphrase", "demo"), "50111"),
    ],
    ids=["passphrase", "secret", "key"],
)
def test_bad_credentials_raise_authentication_error(
    demo: OkxVenue, creds: OkxCredentials, code: str
) -> None:
    with pytest.raises(ccxt.AuthenticationError, match=code):
        call(demo, lambda ex: ex.fetch_balance(), creds)


def raw_get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_auth_errors_come_as_okx_sends_them(demo: OkxVenue) -> None:
    path = "/api/v5/account/balance?ccy=USDT"
    status, body = raw_get(demo.url + path, {})
    assert (status, body["code"]) == (401, "50103")
    assert "OK-ACCESS-KEY" in body["msg"]
    stale = (datetime.now(UTC) - timedelta(seconds=60)).isoformat(timespec="milliseconds")
    stale = stale.replace("+00:00", "Z")
    prehash = (stale + "GET" + path).encode()
    mac = hmac.new(DEMO_CREDENTIALS.secret.encode(), prehash, hashlib.sha256).digest()
    headers = {
        "OK-ACCESS-KEY": DEMO_CREDENTIALS.api_key,
        "OK-ACCESS-SIGN": base64.b64encode(mac).decode(),
        "OK-ACCESS-TIMESTAMP": stale,
        "OK-ACCESS-PASSPHRASE": DEMO_CREDENTIALS.passphrase,
    }
    status, body = raw_get(demo.url + path, headers)
    assert (status, body["code"]) == (401, "50102")
    status, body = raw_get(demo.url + "/api/v5/public/instruments", {})
    assert (status, body["code"]) == (400, "50014")
