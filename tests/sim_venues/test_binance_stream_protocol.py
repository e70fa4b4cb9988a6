"""The simulated Binance USDⓈ-M streams on the wire, read with a plain aiohttp websocket client
over 127.0.0.1: the URL forms, the SUBSCRIBE family and its errors, the payload shapes.

Expected values come from Binance's docs ("Websocket Market Streams", "Live Subscribing/
Unsubscribing to streams", "Mark Price Stream") and from what the venue's REST side serves.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import aiohttp
import pytest

from monitor.sources.sim import MARKETS, SimVenue, binanceusdm_at

MARKS = {"BTCUSDT": 64_000.5, "ETHUSDT": 3_100.25}
# The doc example's keys: {"e","E","s","p","i","P","r","T"} ("Mark Price Stream").
MARK_KEYS = {"e", "E", "s", "p", "i", "P", "r", "T"}
Session = Callable[[aiohttp.ClientWebSocketResponse], Awaitable[Any]]


@pytest.fixture(scope="module")
def venue() -> Iterator[SimVenue]:
    v = SimVenue(seed=5, demo_book=None)
    v.set_marks(MARKS)
    v.start()
    v.start_stream()
    yield v
    v.stop()


def talk(url: str, session: Session) -> Any:
    async def run() -> Any:
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            return await asyncio.wait_for(session(ws), 5)

    return asyncio.run(run())


async def ask(ws: aiohttp.ClientWebSocketResponse, request: object) -> Any:
    await ws.send_str(request if isinstance(request, str) else json.dumps(request))
    return await next_json(ws)


async def next_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return json.loads(await ws.receive_str())


def test_raw_stream_in_the_path_pushes_the_mark_with_binance_fields(venue: SimVenue) -> None:
    event = talk(f"{venue.ws_url}/ws/btcusdt@markPrice@1s", next_json)
    assert set(event) == MARK_KEYS
    assert (event["e"], event["s"], float(event["p"])) == ("markPriceUpdate", "BTCUSDT", 64_000.5)
    rest = binanceusdm_at(venue.url, "", "", enable_rate_limit=False)
    index = rest.fapiPublicGetPremiumIndex({"symbol": "BTCUSDT"})
    # The stream and GET /fapi/v1/premiumIndex are one body in two shapes.
    assert (event["p"], event["i"], event["P"], event["r"], event["T"]) == (
        index["markPrice"],
        index["indexPrice"],
        index["estimatedSettlePrice"],
        index["lastFundingRate"],
        index["nextFundingTime"],
    )


def test_combined_streams_are_wrapped_with_their_names(venue: SimVenue) -> None:
    names = ["btcusdt@markPrice", "!markPrice@arr@1s"]

    async def two(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        return [await next_json(ws), await next_json(ws)]

    frames = talk(f"{venue.ws_url}/market/stream?streams={'/'.join(names)}", two)
    by_name = {f["stream"]: f["data"] for f in frames}
    assert set(by_name) == set(names)
    assert by_name["btcusdt@markPrice"]["s"] == "BTCUSDT"
    every = by_name["!markPrice@arr@1s"]
    assert [e["s"] for e in every] == [m.id for m in MARKETS]
    assert all(set(e) == MARK_KEYS for e in every)


def test_subscribe_list_and_unsubscribe_answer_as_binance_does(venue: SimVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        sub = {"method": "SUBSCRIBE", "params": ["ethusdt@markPrice@1s"], "id": 1}
        replies = [await ask(ws, sub)]
        replies.append(await next_json(ws))  # the first push follows the reply
        replies.append(await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 3}))
        unsub = {"method": "UNSUBSCRIBE", "params": ["ethusdt@markPrice@1s"], "id": 312}
        replies.append(await ask(ws, unsub))
        replies.append(await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 4}))
        return replies

    reply, push, listed, unsubscribed, empty = talk(f"{venue.ws_url}/ws", session)
    assert reply == {"result": None, "id": 1}
    assert (push["s"], float(push["p"])) == ("ETHUSDT", 3_100.25)
    assert listed == {"result": ["ethusdt@markPrice@1s"], "id": 3}
    assert unsubscribed == {"result": None, "id": 312}
    assert empty == {"result": [], "id": 4}


def test_the_combined_property_switches_the_wrapping(venue: SimVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        got = [await ask(ws, {"method": "GET_PROPERTY", "params": ["combined"], "id": 2})]
        got.append(await ask(ws, {"method": "SET_PROPERTY", "params": ["combined", True], "id": 5}))
        got.append(await ask(ws, {"method": "SUBSCRIBE", "params": ["btcusdt@markPrice"], "id": 6}))
        got.append(await next_json(ws))
        return got

    raw, set_reply, _sub, wrapped = talk(f"{venue.ws_url}/ws", session)
    assert raw == {"result": False, "id": 2}  # "false when connecting using /ws/"
    assert set_reply == {"result": None, "id": 5}
    assert wrapped["stream"] == "btcusdt@markPrice"
    assert wrapped["data"]["s"] == "BTCUSDT"


@pytest.mark.parametrize(
    ("request_text", "code", "starts"),
    [
        ("{not json", 3, "Invalid JSON"),
        ('{"method": "PING", "id": 7}', 2, "Invalid request: unknown variant `PING`"),
        ('{"params": [], "id": 8}', 2, "Invalid request: missing field `method`"),
        ('{"method": "SUBSCRIBE", "params": ["x"], "id": -1}', 2, "Invalid request: request ID"),
        ('{"method": "SUBSCRIBE", "params": ["btcusdt@depth"], "id": 9}', 2, "Invalid request"),
        ('{"method": "GET_PROPERTY", "params": ["speed"], "id": 10}', 0, "Unknown property"),
        ('{"method": "SET_PROPERTY", "params": ["combined", 1], "id": 11}', 1, "Invalid value"),
    ],
)
def test_bad_requests_get_binance_error_codes(
    venue: SimVenue, request_text: str, code: int, starts: str
) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        answer = await ask(ws, request_text)
        listed = await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 99})
        return answer, listed

    answer, listed = talk(f"{venue.ws_url}/ws", session)
    assert answer["error"]["code"] == code
    assert answer["error"]["msg"].startswith(starts)
    sent = json.loads(request_text) if request_text.startswith('{"') else {}
    assert answer["id"] == sent.get("id")
    assert listed == {"result": [], "id": 99}  # a refused SUBSCRIBE subscribes nothing


def test_an_unknown_endpoint_refuses_the_handshake(venue: SimVenue) -> None:
    async def run() -> int:
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                await http.ws_connect(f"{venue.ws_url}/unsupported/spot")
            return err.value.status

    assert asyncio.run(run()) == 404
