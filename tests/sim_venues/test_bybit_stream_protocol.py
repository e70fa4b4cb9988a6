"""The simulated Bybit v5 public linear stream on the wire, read with a plain aiohttp websocket
client over 127.0.0.1: the subscription answers and refusals, ping/pong, snapshot then deltas.

Expected shapes come from Bybit's docs ("Connect": the Linear/Inverse subscription answer and
the public pong; "Ticker": topic, type, data fields, cs, ts) and from what the venue's REST side
serves for the same symbol (GET /v5/market/tickers).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.request import urlopen

import aiohttp
import pytest

from monitor.sources.sim.bybit import BybitVenue

MARKS = {"BTCUSDT": 64_000.5, "ETHUSDT": 3_100.25}
# "Ticker", Linear/Inverse: the response parameters of `data`.
TICKER_KEYS = {
    "symbol", "tickDirection", "price24hPcnt", "lastPrice", "prevPrice24h", "highPrice24h",
    "lowPrice24h", "prevPrice1h", "markPrice", "indexPrice", "openInterest",
    "openInterestValue", "turnover24h", "volume24h", "nextFundingTime", "fundingRate",
    "bid1Price", "bid1Size", "ask1Price", "ask1Size",
}  # fmt: skip
Talk = Callable[[aiohttp.ClientWebSocketResponse], Awaitable[Any]]


@pytest.fixture(scope="module")
def venue() -> Iterator[BybitVenue]:
    v = BybitVenue(marks=MARKS)
    v.start()
    v.start_stream()
    yield v
    v.stop()


@pytest.fixture(autouse=True)
def speaking(venue: BybitVenue) -> Iterator[None]:
    yield
    venue.stream.resume()  # a test that silenced the stream leaves it speaking


def talk(venue: BybitVenue, session: Talk, path: str = "/v5/public/linear") -> Any:
    async def run() -> Any:
        async with aiohttp.ClientSession() as http, http.ws_connect(venue.ws_url + path) as ws:
            return await asyncio.wait_for(session(ws), 5)

    return asyncio.run(run())


async def ask(ws: aiohttp.ClientWebSocketResponse, request: object) -> Any:
    await ws.send_str(request if isinstance(request, str) else json.dumps(request))
    return await next_json(ws)


async def next_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return json.loads(await ws.receive_str())


def rest_ticker(venue: BybitVenue, symbol: str) -> dict[str, str]:
    with urlopen(f"{venue.url}/v5/market/tickers?category=linear&symbol={symbol}") as answer:
        row: dict[str, str] = json.load(answer)["result"]["list"][0]
        return row


def test_subscribe_is_answered_then_a_snapshot_shaped_as_the_rest_ticker(
    venue: BybitVenue,
) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        reply = await ask(ws, {"req_id": "t1", "op": "subscribe", "args": ["tickers.BTCUSDT"]})
        return [reply, await next_json(ws)]

    reply, snapshot = talk(venue, session)
    assert set(reply) == {"success", "ret_msg", "conn_id", "req_id", "op"}
    assert (reply["success"], reply["ret_msg"], reply["req_id"], reply["op"]) == (
        True,
        "",
        "t1",
        "subscribe",
    )
    assert isinstance(reply["conn_id"], str) and reply["conn_id"]
    assert set(snapshot) == {"topic", "type", "data", "cs", "ts"}
    assert (snapshot["topic"], snapshot["type"]) == ("tickers.BTCUSDT", "snapshot")
    assert isinstance(snapshot["cs"], int) and isinstance(snapshot["ts"], int)
    data = snapshot["data"]
    assert set(data) == TICKER_KEYS
    assert (data["symbol"], data["markPrice"]) == ("BTCUSDT", "64000.50")
    rest = rest_ticker(venue, "BTCUSDT")
    # One body, two shapes: the stream says what GET /v5/market/tickers says.
    assert {k: v for k, v in data.items() if k != "tickDirection"} == {
        k: rest[k] for k in TICKER_KEYS - {"tickDirection"}
    }


def test_a_mark_move_sends_a_delta_of_what_changed(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[Any]:
        await ask(ws, {"op": "subscribe", "args": ["tickers.ETHUSDT"]})
        snapshot = await next_json(ws)
        venue.set_marks({"ETHUSDT": 3_150.0})
        return [snapshot, await next_json(ws)]

    try:
        snapshot, delta = talk(venue, session)
    finally:
        venue.set_marks(MARKS)
    assert (delta["topic"], delta["type"]) == ("tickers.ETHUSDT", "delta")
    assert delta["cs"] > snapshot["cs"]
    data = delta["data"]
    assert (data["symbol"], data["markPrice"], data["lastPrice"]) == (
        "ETHUSDT",
        "3150.00",
        "3150.00",
    )
    assert data["tickDirection"] == "PlusTick"
    # "If a response param is not found in the message, then its value has not changed."
    assert "fundingRate" not in data and "openInterest" not in data and "bid1Size" not in data


def test_while_nothing_changes_a_delta_restates_the_mark_every_second(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> list[tuple[float, Any]]:
        await ask(ws, {"op": "subscribe", "args": ["tickers.BTCUSDT"]})
        return [(time.monotonic(), await next_json(ws)) for _ in range(3)]

    (_, snapshot), (at_one, one), (at_two, two) = talk(venue, session)
    assert snapshot["type"] == "snapshot"
    for delta in (one, two):
        assert delta["type"] == "delta"
        assert delta["data"] == {
            "symbol": "BTCUSDT",
            "markPrice": "64000.50",
            "indexPrice": "64000.50",
        }
    assert 0.8 < at_two - at_one < 1.5


def test_ping_is_answered_with_the_public_pong_even_while_quiet(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        venue.stream.go_quiet()
        return await ask(ws, {"req_id": "100001", "op": "ping"})

    pong = talk(venue, session)
    assert {k: v for k, v in pong.items() if k != "conn_id"} == {
        "success": True,
        "ret_msg": "pong",
        "req_id": "100001",
        "op": "ping",
    }


def test_a_quiet_stream_drops_answers_and_pushes_then_resumes(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        venue.stream.go_quiet()
        await ws.send_str(json.dumps({"op": "subscribe", "args": ["tickers.BTCUSDT"]}))
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.receive(), 1.5)
        venue.stream.resume()
        return await next_json(ws)  # the answer was dropped: the snapshot comes first

    assert talk(venue, session)["type"] == "snapshot"


NOT_FOUND = "error:handler not found,topic:"


@pytest.mark.parametrize(
    ("request_text", "ret_msg"),
    [
        ('{"op": "subscribe", "args": ["tickers.NOPEUSDT"]}', NOT_FOUND + "tickers.NOPEUSDT"),
        ('{"op": "subscribe", "args": ["orderbook.1.BTCUSDT"]}', NOT_FOUND + "orderbook.1.BTCUSDT"),
        (
            '{"op": "subscribe", "args": ["tickers.BTCUSDT", "tickers.NOPE"]}',
            NOT_FOUND + "tickers.NOPE",
        ),
        ('{"op": "nope", "args": []}', "error:invalid op"),
        ("hello", "Failed to decode incoming data"),
    ],
)
def test_refused_requests_subscribe_nothing(
    venue: BybitVenue, request_text: str, ret_msg: str
) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, Any]:
        refusal = await ask(ws, request_text)
        # Had the refused request subscribed BTCUSDT, this would be "already subscribed".
        return refusal, await ask(ws, {"op": "subscribe", "args": ["tickers.BTCUSDT"]})

    refusal, after = talk(venue, session)
    assert refusal["success"] is False
    assert refusal["ret_msg"].startswith(ret_msg)
    assert after["success"] is True


def test_subscribing_twice_is_refused_and_the_first_keeps_pushing(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> tuple[Any, Any]:
        await ask(ws, {"op": "subscribe", "args": ["tickers.BTCUSDT"]})
        await next_json(ws)  # the snapshot
        again = await ask(ws, {"req_id": "2", "op": "subscribe", "args": ["tickers.BTCUSDT"]})
        return again, await next_json(ws)

    again, push = talk(venue, session)
    assert (again["success"], again["req_id"]) == (False, "2")
    assert again["ret_msg"] == "error:already subscribed,topic:tickers.BTCUSDT"
    assert (push["topic"], push["type"]) == ("tickers.BTCUSDT", "delta")


def test_unsubscribe_is_answered_and_stops_the_pushes(venue: BybitVenue) -> None:
    async def session(ws: aiohttp.ClientWebSocketResponse) -> Any:
        await ask(ws, {"op": "subscribe", "args": ["tickers.BTCUSDT"]})
        await next_json(ws)  # the snapshot
        reply = await ask(ws, {"req_id": "9", "op": "unsubscribe", "args": ["tickers.BTCUSDT"]})
        while reply.get("op") != "unsubscribe":  # a delta may have come in between
            reply = await next_json(ws)
        with pytest.raises(TimeoutError):  # longer than the 1 s cadence
            await asyncio.wait_for(ws.receive(), 1.5)
        return reply

    reply = talk(venue, session)
    assert (reply["success"], reply["req_id"], reply["op"]) == (True, "9", "unsubscribe")


def test_other_stream_paths_refuse_the_handshake(venue: BybitVenue) -> None:
    async def run() -> list[int]:
        statuses = []
        async with aiohttp.ClientSession() as http:
            for path in ("/v5/public/spot", "/v5/trade", "/"):
                with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                    await http.ws_connect(venue.ws_url + path)
                statuses.append(err.value.status)
        return statuses

    assert asyncio.run(run()) == [404, 404, 404]
