"""Real ccxt.pro bybit (async) watching the simulated Bybit v5 venue's public linear tickers over
127.0.0.1: what it receives, how fast a mark change reaches it, the cadence while marks stand
still, the quiet fault and a clean stop.

Expected marks are the ones the tests set on the venue (on each market's tick); the 100 ms push
frequency is Bybit's ("Ticker": "Push frequency: 100ms"), the once-a-second delta the venue's
stated choice.
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
from monitor.sources.sim.bybit import CCXT_OPTIONS, BybitVenue

BTC, BTC_USDC = "BTC/USDT:USDT", "BTC/USDC:USDC"
MARKS = {"BTCUSDT": 64_000.5, "BTCPERP": 64_010.5, "ETHUSDT": 3_100.25}
Watch = Callable[[Any], Awaitable[Any]]


@pytest.fixture
def venue() -> Iterator[BybitVenue]:
    v = BybitVenue(marks=MARKS)
    v.start()
    v.start_stream()
    yield v
    v.stop()


def pro_bybit(venue: BybitVenue) -> Any:
    exchange = ccxt_pro.bybit({"enableRateLimit": False, "options": dict(CCXT_OPTIONS)})
    point_at(exchange, venue.url)
    point_ws_at(exchange, venue.ws_url)
    return exchange


def watching(venue: BybitVenue, watch: Watch) -> Any:
    async def run() -> Any:
        exchange = pro_bybit(venue)
        try:
            return await asyncio.wait_for(watch(exchange), 10)
        finally:
            await exchange.close()

    return asyncio.run(run())


async def mark_until(exchange: Any, symbol: str, wanted: float) -> float:
    while (await exchange.watch_ticker(symbol))["markPrice"] != wanted:
        pass
    return time.monotonic()


def test_watch_ticker_gets_the_venue_mark_and_a_set_marks_at_once(venue: BybitVenue) -> None:
    async def watch(ex: Any) -> tuple[dict[str, Any], float]:
        first = await ex.watch_ticker(BTC)
        started = time.monotonic()
        venue.set_marks({"BTCUSDT": 61_234.5})
        seen = await asyncio.wait_for(mark_until(ex, BTC, 61_234.5), 1.0)
        return first, seen - started

    first, delay = watching(venue, watch)
    assert (first["symbol"], first["markPrice"], first["last"]) == (BTC, 64_000.5, 64_000.5)
    assert first["info"]["symbol"] == "BTCUSDT"
    assert first["info"]["openInterestValue"] == "0"  # ccxt reads a contract ticker by it
    assert delay < 0.25


def test_usdt_and_usdc_perpetuals_stream_over_one_linear_connection(venue: BybitVenue) -> None:
    async def watch(ex: Any) -> dict[str, float]:
        marks: dict[str, float] = {}
        while len(marks) < 2:
            for symbol, ticker in (await ex.watch_tickers([BTC, BTC_USDC])).items():
                marks[symbol] = ticker["markPrice"]
        return marks

    assert watching(venue, watch) == {BTC: 64_000.5, BTC_USDC: 64_010.5}


def test_one_connection_carries_both_settle_coins(venue: BybitVenue) -> None:
    async def watch(ex: Any) -> tuple[int, int]:
        await ex.watch_ticker(BTC)
        await ex.watch_ticker(BTC_USDC)
        return venue.stream.connections(), venue.stream.subscribed()

    assert watching(venue, watch) == (1, 2)


def test_a_delta_comes_every_second_while_marks_stand_still(venue: BybitVenue) -> None:
    async def watch(ex: Any) -> tuple[list[float], dict[str, Any]]:
        await ex.watch_ticker(BTC)
        times = []
        for _ in range(2):
            ticker = await ex.watch_ticker(BTC)
            times.append(time.monotonic())
        return times, ticker

    (one, two), ticker = watching(venue, watch)
    assert 0.8 < two - one < 1.8
    assert ticker["markPrice"] == 64_000.5  # the delta merged into the snapshot's ticker
    assert ticker["info"]["fundingRate"] == "0.0001"


def test_a_quiet_stream_sends_nothing_but_stays_connected(venue: BybitVenue) -> None:
    async def watch(ex: Any) -> tuple[int, float]:
        await ex.watch_ticker(BTC)
        venue.stream.go_quiet()
        venue.set_marks({"BTCUSDT": 60_000.0})
        with pytest.raises(TimeoutError):  # more than two 1 s periods without a message
            await asyncio.wait_for(ex.watch_ticker(BTC), 2.5)
        connected = venue.stream.connections()
        venue.stream.resume()
        return connected, (await ex.watch_ticker(BTC))["markPrice"]

    connected, mark = watching(venue, watch)
    assert connected == 1
    assert mark == 60_000.0  # the first message after the fault carries the mark set during it


def test_stop_closes_the_stream_within_a_second(venue: BybitVenue) -> None:
    async def watch(ex: Any) -> tuple[float, BaseException]:
        await ex.watch_ticker(BTC)
        pending = asyncio.ensure_future(ex.watch_ticker(BTC))
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
