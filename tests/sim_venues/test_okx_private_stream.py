"""The simulated OKX v5 private websocket (/ws/v5/private) on the wire, read with a plain
aiohttp websocket client over 127.0.0.1: login, the account and positions channels, their
snapshots and event pushes.

Expected shapes come from OKX's docs ("Login": sign = Base64(HMAC-SHA256(secret, timestamp +
"GET" + "/users/self/verify")), the login and error events, the WebSocket error codes and the
close frame 4001; "Account channel", "Positions channel": subscribe answers, channel-conn-count,
push data with eventType snapshot / event_update, curPage and lastPage on snapshots only,
updateInterval "0"), from the books and marks the tests set, and from what the venue's REST side
serves for the same account (GET /api/v5/account/balance, /api/v5/account/positions) through
real ccxt.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from monitor.sources.sim.okx import OkxBook, OkxCredentials, OkxPosition, OkxVenue, okx_at

KEY, SECRET, PASSPHRASE = "okx-private-key", "OKX-PRIVATE-SECRET", "okx-pass"
OTHER = ("okx-other-key", "OKX-OTHER-SECRET", "other-pass")
MARKS = {"BTC-USDT-SWAP": 62_000.0, "ETH-USDT-SWAP": 3_000.0, "BTC-USDC-SWAP": 62_010.0}
BTC_LONG = OkxPosition("BTC-USDT-SWAP", 50, 60_000.0, 10, c_time_ms=1_717_000_000_000)
BOOK = OkxBook("private", {"USDT": 10_000.0, "USDC": 2_000.0}, (BTC_LONG,))
ETH_SHORT = OkxPosition("ETH-USDT-SWAP", -30, 3_100.0, 10, c_time_ms=1_717_100_000_000)
ACCOUNT = {"channel": "account"}
POSITIONS = {"channel": "positions", "instType": "ANY"}
PRIVATE = "/ws/v5/private"
Talk = Callable[[aiohttp.ClientWebSocketResponse], Awaitable[Any]]


@pytest.fixture
def venue() -> Iterator[OkxVenue]:
    v = OkxVenue(MARKS)
    v.add_book(BOOK, KEY, SECRET, PASSPHRASE)
    v.add_book(replace(BOOK, name="other"), *OTHER)
    v.start()
    v.start_stream()
    v.stream.regular_s = 60.0  # no regular snapshot within a test unless it asks for one
    yield v
    v.stop()


def login(
    key: str = KEY,
    secret: str = SECRET,
    passphrase: str = PASSPHRASE,
    timestamp: str | None = None,
) -> dict[str, str]:
    """One login arg, signed as OKX's docs say."""
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{timestamp}GET/users/self/verify".encode(), hashlib.sha256
    ).digest()
    sign = base64.b64encode(digest).decode()
    return {"apiKey": key, "passphrase": passphrase, "timestamp": timestamp, "sign": sign}


def talk(venue: OkxVenue, session: Talk, path: str = PRIVATE) -> Any:
    async def run() -> Any:
        async with aiohttp.ClientSession() as http, http.ws_connect(venue.ws_url + path) as ws:
            return await asyncio.wait_for(session(ws), 5)

    return asyncio.run(run())


async def ask(ws: aiohttp.ClientWebSocketResponse, request: object) -> Any:
    await ws.send_str(request if isinstance(request, str) else json.dumps(request))
    return await next_json(ws)


async def next_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return json.loads(await ws.receive_str())


async def logged_in(ws: aiohttp.ClientWebSocketResponse, *creds: str) -> None:
    reply = await ask(ws, {"op": "login", "args": [login(*creds)]})
    assert reply["event"] == "login", reply


async def subscribed(ws: aiohttp.ClientWebSocketResponse, arg: dict[str, Any]) -> list[Any]:
    """Subscribe; returns the answer, the channel-conn-count event and the initial snapshot."""
    return [await ask(ws, {"op": "subscribe", "args": [arg]}), *[await next_json(ws) for _ in "ab"]]


async def until_pong(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
    """Everything pushed to `ws` ahead of a ping sent now."""
    await ws.send_str("ping")
    frames = []
    while (text := await ws.receive_str()) != "pong":
        frames.append(json.loads(text))
    return frames


def without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def rest(venue: OkxVenue, call: Callable[[Any], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        ex = okx_at(venue.url, OkxCredentials(KEY, SECRET, PASSPHRASE, "private"))
        try:
            return (await call(ex))["data"]
        finally:
            await ex.close()

    return asyncio.run(run())


def untimed(entry: dict[str, Any]) -> dict[str, Any]:
    """An account entry without its uTime stamps (the time of the read)."""
    return {
        **without(entry, "uTime"),
        "details": [without(d, "uTime") for d in entry["details"]],
    }


def test_login_with_okx_s_signature_is_accepted(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        return await ask(ws, {"op": "login", "args": [login()]})

    reply = talk(venue, session)
    assert without(reply, "connId") == {"event": "login", "code": "0", "msg": ""}
    assert reply["connId"]


@pytest.mark.parametrize(
    ("args", "code", "msg"),
    [  # signed when the test runs: the timestamp is good for 30 s
        (lambda: [login(secret="WRONG")], "60007", "Invalid sign"),
        (lambda: [login(key="nobody")], "60005", "Invalid apiKey"),
        (lambda: [login(passphrase="wrong")], "60024", "Wrong passphrase"),
        (lambda: [login(timestamp=str(int(time.time()) - 60))], "60006",
         "Timestamp request expired"),
        (lambda: [login(timestamp="yesterday")], "60004", "Invalid timestamp"),
        (lambda: [{**login(), "sign": ""}], "60027", "Parameter sign can not be empty."),
        (lambda: [login(), login(*OTHER)], "60021",
         "This operation does not support multiple accounts login."),
    ],
    ids=["sign", "key", "passphrase", "expired", "timestamp", "no-sign", "two-accounts"],
)  # fmt: skip
def test_a_refused_login_is_an_error_event_then_close_4001(
    venue: OkxVenue, args: Callable[[], list[Any]], code: str, msg: str
) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, Any, Any]:
        reply = await ask(ws, {"op": "login", "args": args()})
        closing = await ws.receive()
        return reply, closing.type, ws.close_code

    reply, kind, close_code = talk(venue, session)
    assert without(reply, "connId") == {"event": "error", "code": code, "msg": msg}
    assert (kind, close_code) == (aiohttp.WSMsgType.CLOSE, 4001)
    assert not venue.stream.listening(KEY)


def test_private_channels_need_a_login_first(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, list[Any]]:
        reply = await ask(ws, {"id": "7", "op": "subscribe", "args": [ACCOUNT]})
        return reply, await until_pong(ws)  # still open, and nothing pushed

    reply, pushed = talk(venue, session)
    assert without(reply, "connId") == {
        "id": "7",
        "event": "error",
        "code": "60011",
        "msg": "Please log in",
    }
    assert pushed == []


def test_requests_refused_after_login(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        return [
            await ask(ws, {"op": "subscribe", "args": [{"channel": "positions"}]}),
            await ask(ws, {"op": "subscribe", "args": [{"channel": "mark-price", "instId": "X"}]}),
            await ask(ws, {"op": "order", "args": []}),
            await ask(ws, {"op": "login", "args": [login()]}),
        ]

    replies = [without(r, "connId") for r in talk(venue, session)]
    assert replies == [
        {"event": "error", "code": "60027", "msg": "Parameter instType can not be empty."},
        {"event": "error", "code": "60018", "msg": "Wrong URL or channel:mark-price,instId:X "
         "doesn't exist. Please use the correct URL, channel and parameters referring to API "
         "document."},
        {"event": "error", "code": "60019", "msg": "Invalid op: order"},
        {"event": "error", "code": "60031",
         "msg": "The WebSocket endpoint does not allow multiple or repeated logins."},
    ]  # fmt: skip


def test_the_account_channel_answers_counts_and_snapshots_the_balance_rest_serves(
    venue: OkxVenue,
) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        return await subscribed(ws, ACCOUNT)

    answer, count, snapshot = talk(venue, session)
    served = rest(venue, lambda ex: ex.private_get_account_balance())
    assert without(answer, "connId") == {"event": "subscribe", "arg": ACCOUNT}
    assert without(count, "connId") == {
        "event": "channel-conn-count",
        "channel": "account",
        "connCount": "1",
    }
    assert snapshot["arg"] == {"channel": "account", "uid": venue.uid(KEY)}
    assert (snapshot["eventType"], snapshot["curPage"], snapshot["lastPage"]) == (
        "snapshot",
        1,
        True,
    )
    (entry,) = snapshot["data"]
    assert [d["ccy"] for d in entry["details"]] == ["USDC", "USDT"]
    assert untimed(entry) == untimed(served[0])


def test_a_deposit_pushes_only_that_currency_as_an_event_update(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        await subscribed(ws, ACCOUNT)
        venue.set_book(KEY, replace(BOOK, cash={"USDT": 12_000.0, "USDC": 2_000.0}))
        return [await next_json(ws), *await until_pong(ws)]

    update, *rest_of = talk(venue, session)
    assert rest_of == []
    assert set(update) == {"arg", "eventType", "data"}  # no curPage/lastPage on an event
    assert update["eventType"] == "event_update"
    (entry,) = update["data"]
    (usdt,) = entry["details"]  # "only the incremental data of that currency"
    assert (usdt["ccy"], usdt["cashBal"]) == ("USDT", "12000")
    served = rest(venue, lambda ex: ex.private_get_account_balance({"ccy": "USDT"}))
    assert without(usdt, "uTime") == without(served[0]["details"][0], "uTime")


def test_the_positions_channel_snapshots_then_pushes_the_changed_legs(venue: OkxVenue) -> None:
    opened = replace(BOOK, positions=(BTC_LONG, ETH_SHORT))

    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        snapshot = (await subscribed(ws, POSITIONS))[2]
        venue.set_book(KEY, opened)
        added = await next_json(ws)
        venue.set_book(KEY, BOOK)
        closed = await next_json(ws)
        return [snapshot, added, closed, await until_pong(ws)]

    snapshot, added, closed, after = talk(venue, session)
    assert snapshot["arg"] == {**POSITIONS, "uid": venue.uid(KEY)}
    (btc,) = snapshot["data"]
    served = rest(venue, lambda ex: ex.private_get_account_positions())
    assert without(btc, "pTime") == served[0]
    assert int(btc["pTime"]) > 0

    assert added["eventType"] == "event_update"
    (eth,) = added["data"]  # the new leg only
    assert (eth["instId"], eth["pos"], eth["avgPx"], eth["posSide"]) == (
        "ETH-USDT-SWAP",
        "-30",
        "3100",
        "net",
    )
    (gone,) = closed["data"]
    assert (gone["instId"], gone["pos"], gone["upl"]) == ("ETH-USDT-SWAP", "0", "0")
    assert after == []


def test_positions_can_be_narrowed_to_an_instrument(venue: OkxVenue) -> None:
    only_eth = {"channel": "positions", "instType": "SWAP", "instId": "ETH-USDT-SWAP"}

    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        snapshot = (await subscribed(ws, only_eth))[2]
        venue.set_book(KEY, replace(BOOK, positions=(replace(BTC_LONG, pos=80),)))
        return [snapshot, await until_pong(ws)]

    snapshot, after = talk(venue, session)
    assert (snapshot["arg"], snapshot["data"]) == ({**only_eth, "uid": venue.uid(KEY)}, [])
    assert after == []  # the BTC leg changed: not this subscription's


def test_regular_snapshots_come_unless_update_interval_is_0(venue: OkxVenue) -> None:
    venue.stream.regular_s = 0.2
    events_only = {**ACCOUNT, "extraParams": json.dumps({"updateInterval": "0"})}

    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        account = await subscribed(ws, events_only)
        await subscribed(ws, POSITIONS)
        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(None, venue.stream.wait_for_snapshots, KEY, 4)
        return [account[0], await until_pong(ws)]

    answer, later = talk(venue, session)
    assert answer["arg"] == ACCOUNT  # extraParams is not echoed
    assert later and all(m["arg"]["channel"] == "positions" for m in later)
    assert all(m["eventType"] == "snapshot" for m in later)


def test_a_mark_move_pushes_no_event(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        await subscribed(ws, ACCOUNT)
        await subscribed(ws, POSITIONS)
        venue.set_marks({"BTC-USDT-SWAP": 55_000.0})
        return await until_pong(ws)

    assert talk(venue, session) == []


def test_an_event_reaches_only_its_own_account_s_logged_in_connections(venue: OkxVenue) -> None:
    async def session() -> Any:
        url = venue.ws_url + PRIVATE
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(url) as mine,
            http.ws_connect(url) as anonymous,
            http.ws_connect(url) as other,
        ):
            await logged_in(mine)
            await subscribed(mine, ACCOUNT)
            await logged_in(other, *OTHER)
            await subscribed(other, ACCOUNT)
            refused = await ask(anonymous, {"op": "subscribe", "args": [ACCOUNT]})
            venue.set_book(KEY, replace(BOOK, cash={"USDT": 9_000.0, "USDC": 2_000.0}))
            pushed = await next_json(mine)  # the event was delivered …
            return refused, pushed, await until_pong(anonymous), await until_pong(other)

    refused, pushed, anonymous, other = asyncio.run(asyncio.wait_for(session(), 5))
    assert refused["code"] == "60011"
    assert pushed["eventType"] == "event_update"
    assert anonymous == other == []  # … and not to these


def test_a_quiet_stream_drops_the_account_event(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await logged_in(ws)
        await subscribed(ws, ACCOUNT)
        venue.stream.go_quiet()
        venue.set_book(KEY, replace(BOOK, cash={"USDT": 9_000.0, "USDC": 2_000.0}))
        during = await until_pong(ws)  # "ping" is answered while quiet, nothing else goes out
        venue.stream.resume()
        return [during, await until_pong(ws)]

    assert talk(venue, session) == [[], []]


def test_the_business_path_refuses_the_handshake(venue: OkxVenue) -> None:
    async def run() -> int:
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                await http.ws_connect(venue.ws_url + "/ws/v5/business")
            return err.value.status

    assert asyncio.run(run()) == 404
