"""The simulated OKX v5 public websocket on the wire, read with a plain aiohttp websocket client
over 127.0.0.1: the subscribe events and errors, the text ping/pong, the pushed rows.

Expected shapes come from OKX's docs ("Mark price channel": request, successful and failure
responses, push data; the WebSocket error codes 60012, 60018, 60019) and from what the venue's
REST side serves for the same instrument (GET /api/v5/public/mark-price).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.request import urlopen

import aiohttp
import pytest

from monitor.sources.sim.okx import OkxVenue

MARKS = {"BTC-USDT-SWAP": 63_000.5, "ETH-USDT-SWAP": 3_100.25}
BTC_ARG = {"channel": "mark-price", "instId": "BTC-USDT-SWAP"}
Talk = Callable[[aiohttp.ClientWebSocketResponse], Awaitable[Any]]


@pytest.fixture(scope="module")
def venue() -> Iterator[OkxVenue]:
    v = OkxVenue(MARKS)  # BTC-USDC-SWAP is listed but holds no mark
    v.start()
    v.start_stream()
    yield v
    v.stop()


@pytest.fixture(autouse=True)
def speaking(venue: OkxVenue) -> Iterator[None]:
    yield
    venue.stream.resume()  # a test that silenced the stream leaves it speaking


def talk(venue: OkxVenue, session: Talk, path: str = "/ws/v5/public") -> Any:
    async def run() -> Any:
        async with aiohttp.ClientSession() as http, http.ws_connect(venue.ws_url + path) as ws:
            return await asyncio.wait_for(session(ws), 5)

    return asyncio.run(run())


async def ask(ws: aiohttp.ClientWebSocketResponse, request: object) -> Any:
    await ws.send_str(request if isinstance(request, str) else json.dumps(request))
    return await next_json(ws)


async def next_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return json.loads(await ws.receive_str())


def rest_mark(venue: OkxVenue, inst_id: str) -> dict[str, str]:
    url = f"{venue.url}/api/v5/public/mark-price?instType=SWAP&instId={inst_id}"
    with urlopen(url) as answer:
        row: dict[str, str] = json.load(answer)["data"][0]
        return row


def test_subscribe_is_answered_then_the_mark_is_pushed_as_rest_serves_it(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        reply = await ask(ws, {"id": "1512", "op": "subscribe", "args": [BTC_ARG]})
        return [reply, await next_json(ws)]

    reply, push = talk(venue, session)
    assert {k: v for k, v in reply.items() if k != "connId"} == {
        "id": "1512",
        "event": "subscribe",
        "arg": BTC_ARG,
    }
    assert isinstance(reply["connId"], str) and reply["connId"]
    assert push["arg"] == BTC_ARG
    [row] = push["data"]
    rest = rest_mark(venue, "BTC-USDT-SWAP")
    assert set(row) == {"instType", "instId", "markPx", "ts"}
    # One body, two shapes: the channel says what GET /api/v5/public/mark-price says.
    assert {k: row[k] for k in ("instType", "instId", "markPx")} == {
        k: rest[k] for k in ("instType", "instId", "markPx")
    }
    assert row["markPx"] == "63000.5"


def test_each_arg_is_answered_on_its_own(venue: OkxVenue) -> None:
    eth = {"channel": "mark-price", "instId": "ETH-USDT-SWAP"}
    nope = {"channel": "mark-price", "instId": "NOPE-USDT-SWAP"}

    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await ws.send_str(json.dumps({"op": "subscribe", "args": [nope, eth]}))
        return [await next_json(ws) for _ in range(3)]

    refused, accepted, push = talk(venue, session)
    assert (refused["event"], refused["code"]) == ("error", "60018")
    assert refused["msg"] == (
        "Wrong URL or channel:mark-price,instId:NOPE-USDT-SWAP doesn't exist. "
        "Please use the correct URL, channel and parameters referring to API document."
    )
    assert "id" not in refused  # none was sent
    assert (accepted["event"], accepted["arg"]) == ("subscribe", eth)
    assert push["data"][0]["instId"] == "ETH-USDT-SWAP"


NOT_A_LIST = '{"op": "subscribe", "args": {}}'
TICKERS = '{"op": "subscribe", "args": [{"channel": "tickers", "instId": "BTC-USDT-SWAP"}]}'


@pytest.mark.parametrize(
    ("request_text", "code", "msg"),
    [
        ("{not json", "60012", "Invalid request: {not json"),
        ('{"op": "login", "args": []}', "60019", "Invalid op: login"),
        (NOT_A_LIST, "60012", f"Invalid request: {NOT_A_LIST}"),
        (TICKERS, "60018", "Wrong URL or channel:tickers,instId:BTC-USDT-SWAP doesn't exist."),
    ],
)
def test_bad_requests_get_okx_error_codes_and_subscribe_nothing(
    venue: OkxVenue, request_text: str, code: str, msg: str
) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        answer = await ask(ws, request_text)
        with pytest.raises(TimeoutError):  # nothing subscribed: no push follows
            await asyncio.wait_for(ws.receive(), 0.5)
        return answer

    answer = talk(venue, session)
    assert (answer["event"], answer["code"]) == ("error", code)
    assert answer["msg"].startswith(msg)


def test_ping_is_answered_pong_even_while_quiet(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> str:
        venue.stream.go_quiet()
        await ws.send_str("ping")
        return await ws.receive_str()

    assert talk(venue, session) == "pong"


def test_a_quiet_stream_drops_answers_and_pushes_then_resumes(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        venue.stream.go_quiet()
        await ws.send_str(json.dumps({"op": "subscribe", "args": [BTC_ARG]}))
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.receive(), 1.0)
        venue.stream.resume()
        return await next_json(ws)  # the answer was dropped: the push comes first

    push = talk(venue, session)
    assert (push["arg"], push["data"][0]["markPx"]) == (BTC_ARG, "63000.5")


def test_an_instrument_without_a_mark_is_silent_until_it_has_one(venue: OkxVenue) -> None:
    usdc = {"channel": "mark-price", "instId": "BTC-USDC-SWAP"}

    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, Any]:
        reply = await ask(ws, {"op": "subscribe", "args": [usdc]})
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.receive(), 0.5)
        venue.set_marks({"BTC-USDC-SWAP": 63_010.0})
        return reply, await next_json(ws)

    reply, push = talk(venue, session)
    assert reply["event"] == "subscribe"
    assert (push["arg"], push["data"][0]["markPx"]) == (usdc, "63010")


def test_unsubscribe_is_answered_and_stops_the_pushes(venue: OkxVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        await ask(ws, {"op": "subscribe", "args": [BTC_ARG]})
        await next_json(ws)  # the first push
        reply = await ask(ws, {"id": "7", "op": "unsubscribe", "args": [BTC_ARG]})
        venue.set_marks({"BTC-USDT-SWAP": 62_000.0})
        with pytest.raises(TimeoutError):  # a subscribed channel pushes a move in 200 ms
            await asyncio.wait_for(ws.receive(), 1.0)
        return reply

    try:
        reply = talk(venue, session)
    finally:
        venue.set_marks(MARKS)
    assert {k: v for k, v in reply.items() if k != "connId"} == {
        "id": "7",
        "event": "unsubscribe",
        "arg": BTC_ARG,
    }


def test_other_stream_paths_refuse_the_handshake(venue: OkxVenue) -> None:
    async def run() -> list[int]:
        statuses = []
        async with aiohttp.ClientSession() as http:
            for path in ("/ws/v5/business", "/"):
                with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                    await http.ws_connect(venue.ws_url + path)
                statuses.append(err.value.status)
        return statuses

    assert asyncio.run(run()) == [404, 404]
