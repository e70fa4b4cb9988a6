"""The simulated venue's user data stream: POST /fapi/v1/listenKey with ccxt's own request,
ACCOUNT_UPDATE through real ccxt.pro watch_positions / watch_balance, and on the wire.

Expected values come from the books the tests set (wallets, sizes, entries), the marks they set
(unrealised PnL = positionAmt x (mark - entryPrice)), and Binance's docs ("Event: Balance and
Position Update": pushed only when balances or positions change, only the changed symbols;
"User Data Streams": a listenKey lives 60 minutes, a POST returns the active one).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import aiohttp
import ccxt
import ccxt.pro as ccxt_pro
import pytest

from monitor.sources.sim import DEMO_BOOK, DEMO_CREDENTIALS, SimVenue, binanceusdm_at
from monitor.sources.sim.listen_keys import ListenKeys
from monitor.sources.sim.ws_client import pro_binanceusdm_at

KEY = DEMO_CREDENTIALS.api_key
BTC_MARK = 60_000.0
ISOLATED = 930.0 + 1_400.0  # the demo book's isolated wallets (DOGE, BNB)


@pytest.fixture
def venue() -> Iterator[SimVenue]:
    v = SimVenue(seed=5)
    v.set_marks({"BTCUSDT": BTC_MARK})
    v.start()
    v.start_stream()
    yield v
    v.stop()


def pro(venue: SimVenue) -> ccxt_pro.binanceusdm:
    return pro_binanceusdm_at(
        venue.url, venue.ws_url, KEY, DEMO_CREDENTIALS.secret, enable_rate_limit=False
    )


async def connected(venue: SimVenue) -> None:
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, venue.stream.wait_for_connections, 1, KEY)


def test_listen_key_is_keyed_not_signed_and_one_per_account(venue: SimVenue) -> None:
    other = venue.add_book(DEMO_BOOK, "other-key", "other-secret")
    client = binanceusdm_at(venue.url, KEY, DEMO_CREDENTIALS.secret, enable_rate_limit=False)
    first = client.fapiPrivatePostListenKey()["listenKey"]
    again = client.fapiPrivatePostListenKey()["listenKey"]
    theirs = binanceusdm_at(
        venue.url, other.api_key, other.secret, enable_rate_limit=False
    ).fapiPrivatePostListenKey()
    assert first == again  # "return the currently active listenKey"
    assert len(first) == 64 and first.isalnum()
    assert theirs["listenKey"] != first
    stranger = binanceusdm_at(venue.url, "no-such-key", "x", enable_rate_limit=False)
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        stranger.fapiPrivatePostListenKey()


def test_a_put_keeps_the_listen_key_alive(venue: SimVenue) -> None:
    """ccxt renews the key with PUT every 20 minutes ("Keepalive User Data Stream")."""
    client = binanceusdm_at(venue.url, KEY, DEMO_CREDENTIALS.secret, enable_rate_limit=False)
    key = client.fapiPrivatePostListenKey()["listenKey"]
    assert client.fapiPrivatePutListenKey()["listenKey"] == key


def test_listen_keys_live_60_minutes_and_a_post_extends_them() -> None:
    now = [0.0]
    keys = ListenKeys(clock=lambda: now[0])
    key = keys.open("acct")
    now[0] = 59 * 60.0
    assert keys.open("acct") == key and keys.account(key) == "acct"
    now[0] += 59 * 60.0  # 118 min after creation, 59 after the extending POST
    assert keys.account(key) == "acct"
    now[0] += 60.0
    assert keys.account(key) is None
    assert keys.open("acct") != key


def test_watch_positions_gets_the_changed_leg_of_a_new_book(venue: SimVenue) -> None:
    book = venue.book(KEY)
    btc = next(p for p in book.positions if p.market == "BTCUSDT")
    bigger = replace(
        book, positions=tuple(replace(p, amount=2.0) if p is btc else p for p in book.positions)
    )

    async def watch() -> tuple[list[Any], list[Any]]:
        ex = pro(venue)
        try:
            snapshot = await ex.watch_positions()  # ccxt's REST snapshot
            update = asyncio.ensure_future(ex.watch_positions())
            await connected(venue)
            venue.set_book(KEY, bigger)
            return snapshot, await asyncio.wait_for(update, 5)
        finally:
            await ex.close()

    snapshot, update = asyncio.run(watch())
    assert len(snapshot) == len(book.positions)
    (position,) = update  # only the changed symbol
    assert (position["symbol"], position["side"], position["contracts"]) == (
        "BTC/USDT:USDT",
        "long",
        2.0,
    )
    assert position["entryPrice"] == btc.entry_price
    assert position["unrealizedPnl"] == pytest.approx(2.0 * (BTC_MARK - btc.entry_price))
    assert (position["marginMode"], position["hedged"]) == ("cross", False)
    assert position["info"]["ps"] == "BOTH"


def test_watch_balance_gets_a_deposit(venue: SimVenue) -> None:
    async def watch() -> dict[str, Any]:
        ex = pro(venue)
        try:
            update = asyncio.ensure_future(ex.watch_balance())
            await connected(venue)
            venue.set_book(KEY, replace(venue.book(KEY), wallet=9_500.0))
            return await asyncio.wait_for(update, 5)
        finally:
            await ex.close()

    balance = asyncio.run(watch())
    # ccxt reads Binance's "wb", the wallet balance with the isolated wallets in it.
    assert balance["USDT"]["total"] == pytest.approx(9_500.0 + ISOLATED)
    (row,) = balance["info"]["a"]["B"]
    assert (balance["info"]["a"]["m"], row["cw"], row["bc"]) == (
        "DEPOSIT",
        "9500.00000000",
        "500.00000000",
    )


def test_mark_moves_send_no_account_update_and_a_closed_leg_reads_zero(venue: SimVenue) -> None:
    listen_key = venue.listen_keys.open(KEY)
    book = venue.book(KEY)
    closed = replace(book, positions=tuple(p for p in book.positions if p.market != "XRPUSDT"))

    async def read(url: str) -> list[Any]:
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            await connected(venue)
            venue.set_marks({"BTCUSDT": BTC_MARK * 0.9})
            venue.shift_all(0.95)
            venue.set_book(KEY, closed)
            return [json.loads(await asyncio.wait_for(ws.receive_str(), 5))]

    (event,) = asyncio.run(read(f"{venue.ws_url}/private/ws?listenKey={listen_key}"))
    assert (event["e"], event["a"]["m"]) == ("ACCOUNT_UPDATE", "ORDER")  # not a mark move
    (leg,) = event["a"]["P"]
    assert (leg["s"], leg["pa"], leg["up"], leg["ps"], leg["mt"]) == (
        "XRPUSDT",
        "0",
        "0",
        "BOTH",
        "cross",
    )
    (usdt,) = event["a"]["B"]
    assert (usdt["a"], float(usdt["wb"]), usdt["bc"]) == ("USDT", 9_000.0 + ISOLATED, "0")


def test_a_combined_user_stream_reports_an_expired_key(venue: SimVenue) -> None:
    now = [0.0]
    venue.listen_keys = ListenKeys(clock=lambda: now[0])
    listen_key = venue.listen_keys.open(KEY)

    async def read() -> Any:
        url = f"{venue.ws_url}/stream?streams={listen_key}"
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            await connected(venue)
            now[0] = 61 * 60.0
            venue.set_book(KEY, replace(venue.book(KEY), wallet=1.0))
            return json.loads(await asyncio.wait_for(ws.receive_str(), 5))

    frame = asyncio.run(read())
    assert frame["stream"] == listen_key
    assert frame["data"]["e"] == "listenKeyExpired"
    assert frame["data"]["listenKey"] == listen_key
