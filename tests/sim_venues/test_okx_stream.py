"""Real ccxt.pro okx (async) watching the simulated OKX v5 venue's mark-price channel over
127.0.0.1: what it receives, how fast a mark change reaches it, the cadences OKX documents, the
quiet fault and a clean stop.

Expected marks are the ones the tests set on the venue; the cadences are OKX's ("Mark price
channel": "pushed every 200 ms when the mark price changes, and ... every 10 seconds when the
mark price does not change").
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import ccxt
import ccxt.pro as ccxt_pro
import pytest

from monitor.sources.exchange.build import point_at
from monitor.sources.exchange.stream import point_ws_at
from monitor.sources.sim.okx import OkxVenue

BTC, BTC_USDC = "BTC/USDT:USDT", "BTC/USDC:USDC"
MARKS = {"BTC-USDT-SWAP": 63_000.5, "BTC-USDC-SWAP": 63_010.0, "ETH-USDT-SWAP": 3_100.25}
Watch = Callable[[Any], Awaitable[Any]]


@pytest.fixture
def venue() -> Iterator[OkxVenue]:
    v = OkxVenue(MARKS)
    v.start()
    v.start_stream()
    yield v
    v.stop()


def pro_okx(venue: OkxVenue) -> Any:
    exchange = ccxt_pro.okx({"enableRateLimit": False})
    point_at(exchange, venue.url)
    point_ws_at(exchange, venue.ws_url)
    return exchange


def watching(venue: OkxVenue, watch: Watch, timeout: float = 10) -> Any:
    async def run() -> Any:
        exchange = pro_okx(venue)
        try:
            return await asyncio.wait_for(watch(exchange), timeout)
        finally:
            await exchange.close()

    return asyncio.run(run())


async def mark_until(exchange: Any, symbol: str, wanted: float) -> float:
    while (await exchange.watch_mark_price(symbol))["markPrice"] != wanted:
        pass
    return time.monotonic()


def test_watch_mark_price_gets_the_venue_mark_and_a_set_marks_at_once(venue: OkxVenue) -> None:
    async def watch(ex: Any) -> tuple[dict[str, Any], float]:
        first = await ex.watch_mark_price(BTC)
        started = time.monotonic()
        venue.set_marks({"BTC-USDT-SWAP": 61_234.5})
        seen = await asyncio.wait_for(mark_until(ex, BTC, 61_234.5), 1.0)
        return first, seen - started

    first, delay = watching(venue, watch)
    assert (first["symbol"], first["markPrice"]) == (BTC, 63_000.5)
    assert first["info"] == {
        "instType": "SWAP",
        "instId": "BTC-USDT-SWAP",
        "markPx": "63000.5",
        "ts": first["info"]["ts"],
    }
    assert delay < 0.35  # no later than OKX's 200 ms after the previous push


def test_usdt_and_usdc_swaps_stream_over_one_public_connection(venue: OkxVenue) -> None:
    async def watch(ex: Any) -> tuple[dict[str, float], int, int]:
        marks: dict[str, float] = {}
        while len(marks) < 2:
            for symbol, ticker in (await ex.watch_mark_prices([BTC, BTC_USDC])).items():
                marks[symbol] = ticker["markPrice"]
        return marks, venue.stream.connections(), venue.stream.subscribed()

    assert watching(venue, watch) == ({BTC: 63_000.5, BTC_USDC: 63_010.0}, 1, 2)


def test_moves_push_200_ms_apart_the_last_one_winning(venue: OkxVenue) -> None:
    async def watch(ex: Any) -> tuple[float, float]:
        await ex.watch_mark_price(BTC)
        venue.set_marks({"BTC-USDT-SWAP": 62_000.0})
        first = await ex.watch_mark_price(BTC)
        at_first = time.monotonic()
        venue.set_marks({"BTC-USDT-SWAP": 62_100.0})
        venue.set_marks({"BTC-USDT-SWAP": 62_200.0})
        second = await ex.watch_mark_price(BTC)
        assert (first["markPrice"], second["markPrice"]) == (62_000.0, 62_200.0)
        return at_first, time.monotonic()

    at_first, at_second = watching(venue, watch)
    assert 0.15 < at_second - at_first < 0.5


def test_a_mark_standing_still_is_pushed_again_after_10_seconds(venue: OkxVenue) -> None:
    async def watch(ex: Any) -> tuple[float, float]:
        await ex.watch_mark_price(BTC)
        at_first = time.monotonic()
        again = await ex.watch_mark_price(BTC)
        assert again["markPrice"] == 63_000.5
        return at_first, time.monotonic()

    at_first, at_again = watching(venue, watch, timeout=15)
    assert 9.5 < at_again - at_first < 11.0


def test_a_quiet_stream_sends_nothing_but_stays_connected(venue: OkxVenue) -> None:
    async def watch(ex: Any) -> tuple[int, float]:
        await ex.watch_mark_price(BTC)
        venue.stream.go_quiet()
        venue.set_marks({"BTC-USDT-SWAP": 60_000.0})
        with pytest.raises(TimeoutError):  # a live stream pushes the move within 200 ms
            await asyncio.wait_for(ex.watch_mark_price(BTC), 2.0)
        connected = venue.stream.connections()
        venue.stream.resume()
        return connected, (await ex.watch_mark_price(BTC))["markPrice"]

    connected, mark = watching(venue, watch)
    assert connected == 1
    assert mark == 60_000.0  # the first message after the fault carries the mark set during it


def test_stop_closes_the_stream_within_a_second(venue: OkxVenue) -> None:
    async def watch(ex: Any) -> tuple[float, BaseException]:
        await ex.watch_mark_price(BTC)
        pending = asyncio.ensure_future(ex.watch_mark_price(BTC))
        started = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, venue.stop)
        took = time.monotonic() - started
        with pytest.raises(ccxt.NetworkError) as err:
            await pending
        return took, err.value

    took, error = watching(venue, watch)
    assert took < 1.0
    assert "1001" in str(error)  # closed as "going away"
    assert venue.stream.connections() == 0
    with pytest.raises(RuntimeError):
        _ = venue.ws_url
