"""The simulated Bybit v5 private stream (/v5/private) on the wire, read with a plain aiohttp
websocket client over 127.0.0.1: auth, ping/pong, subscriptions, and the wallet and position
pushes of a book change.

Expected shapes come from Bybit's docs ("Connect": the auth request and its signature
HMAC_SHA256(secret, "GET/realtime" + expires), the auth and private subscription answers, the
private pong; "Wallet" and "Position": topic, id, creationTime, data; no snapshot on
subscription; an unrealised PnL change pushes nothing), from what client libraries report of a
refused auth ({"success": false, "ret_msg": "Params Error", "op": "auth"}), and from the books
and marks the tests set, compared with what the venue's REST side serves for the same account
(GET /v5/account/wallet-balance, GET /v5/position/list) through real ccxt.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from monitor.sources.sim.bybit import BybitBook, BybitCredentials, BybitPosition, BybitVenue
from tests.sim_venues.test_bybit_helpers import call

KEY, SECRET = "private-key", "private-secret"
OTHER_KEY, OTHER_SECRET = "other-key", "other-secret"
MARKS = {"BTCUSDT": 62_000.0, "ETHUSDT": 3_000.0}
BOOK = BybitBook(
    {"USDT": 5_000.0, "USDC": 1_000.0}, (BybitPosition("BTCUSDT", "Buy", 0.2, 60_000.0, 10),)
)
ETH_SHORT = BybitPosition("ETHUSDT", "Sell", 2.0, 3_100.0, 10)
PRIVATE = "/v5/private"
Talk = Callable[[aiohttp.ClientWebSocketResponse], Awaitable[Any]]


@pytest.fixture
def venue() -> Iterator[BybitVenue]:
    v = BybitVenue(marks=MARKS)
    v.add_account(BOOK, KEY, SECRET)
    v.add_account(BOOK, OTHER_KEY, OTHER_SECRET)
    v.start()
    v.start_stream()
    yield v
    v.stop()


def signature(secret: str, expires: int | str) -> str:
    """docs/v5/ws/connect (after pybit): hex HMAC_SHA256(secret, "GET/realtime" + expires)."""
    return hmac.new(secret.encode(), f"GET/realtime{expires}".encode(), hashlib.sha256).hexdigest()


def auth(key: str = KEY, secret: str = SECRET, expires: int | None = None) -> dict[str, Any]:
    expires = int(time.time() * 1000) + 10_000 if expires is None else expires
    return {
        "req_id": "auth-1",
        "op": "auth",
        "args": [key, str(expires), signature(secret, expires)],
    }


def talk(venue: BybitVenue, session: Talk, path: str = PRIVATE) -> Any:
    async def run() -> Any:
        async with aiohttp.ClientSession() as http, http.ws_connect(venue.ws_url + path) as ws:
            return await asyncio.wait_for(session(ws), 5)

    return asyncio.run(run())


async def ask(ws: aiohttp.ClientWebSocketResponse, request: object) -> Any:
    await ws.send_str(request if isinstance(request, str) else json.dumps(request))
    return await next_json(ws)


async def next_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return json.loads(await ws.receive_str())


async def signed_in(
    ws: aiohttp.ClientWebSocketResponse, topics: list[str], key: str = KEY, secret: str = SECRET
) -> None:
    assert (await ask(ws, auth(key, secret)))["success"] is True
    reply = await ask(ws, {"req_id": "sub-1", "op": "subscribe", "args": topics})
    assert reply["success"] is True, reply


async def nothing_before_pong(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Nothing was pushed to `ws` ahead of now: the answer to a ping sent now comes next."""
    reply = await ask(ws, {"req_id": "check", "op": "ping"})
    assert (reply["op"], reply["req_id"]) == ("pong", "check"), reply


def without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def test_auth_with_bybit_s_signature_is_accepted(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, bool]:
        reply = await ask(ws, auth())
        return reply, venue.stream.listening(KEY)

    reply, listening = talk(venue, session)
    assert without(reply, "conn_id") == {
        "req_id": "auth-1",
        "success": True,
        "ret_msg": "",
        "op": "auth",
    }
    assert reply["conn_id"] and listening


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(lambda: auth(secret="not-the-secret")["args"], id="wrong-secret"),
        pytest.param(lambda: auth(key="nobody")["args"], id="unknown-key"),
        pytest.param(lambda: auth(expires=int(time.time() * 1000) - 1_000)["args"], id="expired"),
        pytest.param(lambda: auth()["args"][:2], id="no-signature"),
        pytest.param(lambda: [KEY, "soon", signature(SECRET, "soon")], id="expires-not-ms"),
    ],
)
def test_a_refused_auth_reads_params_error_and_subscribing_is_not_authorized(
    venue: BybitVenue, args: Callable[[], list[Any]]
) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, Any, bool]:
        refused = await ask(ws, {"op": "auth", "args": args()})
        subscribe = await ask(ws, {"req_id": "2", "op": "subscribe", "args": ["wallet"]})
        await nothing_before_pong(ws)  # still open: the venue does not hang up
        return refused, subscribe, venue.stream.listening(KEY)

    refused, subscribe, listening = talk(venue, session)
    assert without(refused, "conn_id") == {
        "success": False,
        "ret_msg": "Params Error",
        "op": "auth",
    }
    assert without(subscribe, "conn_id") == {
        "req_id": "2",
        "success": False,
        "ret_msg": "Request not authorized",
        "op": "subscribe",
    }
    assert not listening


def test_a_private_ping_is_answered_with_the_private_pong(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, int, int]:
        before = int(time.time() * 1000)
        reply = await ask(ws, {"req_id": "100001", "op": "ping"})
        return reply, before, int(time.time() * 1000)

    reply, before, after = talk(venue, session)
    assert without(reply, "conn_id", "args") == {"req_id": "100001", "op": "pong"}
    (stamp,) = reply["args"]
    assert before <= int(stamp) <= after


def test_subscription_answers_and_refusals(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await ask(ws, auth())
        return [
            await ask(ws, {"req_id": "a", "op": "subscribe", "args": ["wallet", "position"]}),
            await ask(ws, {"req_id": "b", "op": "subscribe", "args": ["wallet"]}),
            await ask(ws, {"req_id": "c", "op": "subscribe", "args": ["tickers.BTCUSDT"]}),
            await ask(ws, {"req_id": "d", "op": "unsubscribe", "args": ["wallet"]}),
            await ask(ws, {"req_id": "e", "op": "subscribe", "args": ["wallet"]}),
            await ask(ws, {"req_id": "f", "op": "order.create", "args": []}),
            await ask(ws, auth()),
        ]

    replies = [without(r, "conn_id") for r in talk(venue, session)]
    ok = {"success": True, "ret_msg": ""}
    assert replies == [
        {"req_id": "a", **ok, "op": "subscribe"},
        {"req_id": "b", "success": False, "ret_msg": "error:already subscribed,topic:wallet",
         "op": "subscribe"},
        {"req_id": "c", "success": False,
         "ret_msg": "error:handler not found,topic:tickers.BTCUSDT", "op": "subscribe"},
        {"req_id": "d", **ok, "op": "unsubscribe"},
        {"req_id": "e", **ok, "op": "subscribe"},
        {"req_id": "f", "success": False, "ret_msg": "error:invalid op", "op": "order.create"},
        {"req_id": "auth-1", "success": False, "ret_msg": "Repeat auth", "op": "auth"},
    ]  # fmt: skip


def test_a_deposit_pushes_the_wallet_as_rest_serves_it_and_no_position(venue: BybitVenue) -> None:
    deposit = replace(BOOK, coins={"USDT": 6_500.0, "USDC": 1_000.0})

    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        await signed_in(ws, ["wallet", "position"])
        sent = int(time.time() * 1000)
        venue.set_book(KEY, deposit)
        message = await next_json(ws)
        await nothing_before_pong(ws)  # the legs did not change: no position message
        return message, sent

    message, sent = talk(venue, session)
    rest = call(
        venue,
        BybitCredentials(KEY, SECRET),
        lambda ex: ex.private_get_v5_account_wallet_balance({"accountType": "UNIFIED"}),
    )
    assert (message["topic"], set(message)) == ("wallet", {"id", "topic", "creationTime", "data"})
    assert message["id"] and message["creationTime"] >= sent
    (wallet,) = message["data"]
    usdt = next(c for c in wallet["coin"] if c["coin"] == "USDT")
    assert (wallet["accountType"], usdt["walletBalance"]) == ("UNIFIED", "6500")
    # USDT equity = wallet + the BTCUSDT long's upl: 0.2 × (62 000 − 60 000)
    assert float(usdt["equity"]) == pytest.approx(6_500.0 + 400.0)
    assert wallet == rest["result"]["list"][0]


def test_a_leg_opened_then_closed_pushes_its_row_then_an_empty_one(venue: BybitVenue) -> None:
    opened = replace(BOOK, positions=(*BOOK.positions, ETH_SHORT))

    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await signed_in(ws, ["position"])
        venue.set_book(KEY, opened)
        first = await next_json(ws)
        venue.set_book(KEY, BOOK)
        second = await next_json(ws)
        await nothing_before_pong(ws)  # wallet not subscribed: nothing else
        return [first, second]

    first, second = talk(venue, session)
    venue.set_book(KEY, opened)
    rest = call(
        venue,
        BybitCredentials(KEY, SECRET),
        lambda ex: ex.private_get_v5_position_list({"category": "linear", "symbol": "ETHUSDT"}),
    )
    assert first["topic"] == second["topic"] == "position"
    (row,) = first["data"]  # the changed leg only, not the BTCUSDT long
    (served,) = rest["result"]["list"]
    assert (row["category"], row["symbol"], row["side"], row["entryPrice"]) == (
        "linear",
        "ETHUSDT",
        "Sell",
        "3100",
    )
    expected = {**served, "entryPrice": served["avgPrice"], "category": "linear"}
    del expected["avgPrice"]
    assert without(row, "updatedTime", "seq") == without(expected, "updatedTime", "seq")
    (closed,) = second["data"]
    assert (closed["symbol"], closed["side"], closed["size"], closed["positionIdx"]) == (
        "ETHUSDT",
        "",
        "0",
        0,
    )


def test_a_mark_move_pushes_nothing(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> None:
        await signed_in(ws, ["wallet", "position"])
        venue.set_marks({"BTCUSDT": 55_000.0})  # "The unrealised PnL change does not trigger"
        await nothing_before_pong(ws)

    talk(venue, session)


def test_an_event_reaches_only_its_own_account_s_authenticated_connections(
    venue: BybitVenue,
) -> None:
    async def session() -> Any:
        url = venue.ws_url + PRIVATE
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(url) as mine,
            http.ws_connect(url) as anonymous,
            http.ws_connect(url) as other,
        ):
            await signed_in(mine, ["wallet"])
            await signed_in(other, ["wallet"], OTHER_KEY, OTHER_SECRET)
            refused = await ask(anonymous, {"req_id": "x", "op": "subscribe", "args": ["wallet"]})
            venue.set_book(KEY, replace(BOOK, coins={"USDT": 4_000.0}))
            pushed = await next_json(mine)  # the event was delivered …
            await nothing_before_pong(anonymous)  # … and not to these
            await nothing_before_pong(other)
            return refused, pushed

    refused, pushed = asyncio.run(asyncio.wait_for(session(), 5))
    assert refused["ret_msg"] == "Request not authorized"
    assert pushed["topic"] == "wallet"


def test_a_quiet_stream_drops_the_account_event(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        await signed_in(ws, ["wallet"])
        venue.stream.go_quiet()
        venue.set_book(KEY, replace(BOOK, coins={"USDT": 4_000.0}))
        await ws.send_str(json.dumps({"req_id": "q", "op": "ping"}))
        pong = await next_json(ws)  # pings are answered while quiet, nothing else goes out
        venue.stream.resume()
        await nothing_before_pong(ws)
        return pong

    assert talk(venue, session)["op"] == "pong"


def test_other_private_paths_refuse_the_handshake(venue: BybitVenue) -> None:
    async def run() -> list[int]:
        statuses = []
        async with aiohttp.ClientSession() as http:
            for path in ("/v5/trade", "/spot/private/v3"):
                with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                    await http.ws_connect(venue.ws_url + path)
                statuses.append(err.value.status)
        return statuses

    assert asyncio.run(run()) == [404, 404]
