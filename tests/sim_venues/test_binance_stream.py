"""Real ccxt.pro binanceusdm (async) watching the simulated venue's mark price streams over
127.0.0.1: what it receives, how fast a mark change reaches it, the 1 s cadence, the quiet
fault and a clean stop.

Expected marks are the ones the test sets on the venue; cadences are the docs' ("Mark Price
Stream": <symbol>@markPrice@1s updates every 1000 ms, the speed ccxt.pro subscribes to).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import ccxt
import ccxt.pro as ccxt_pro
import pytest

from monitor.sources.sim import MARKETS, SimVenue
from monitor.sources.sim.ws_client import pro_binanceusdm_at

BTC = "BTC/USDT:USDT"
MARKS = {"BTCUSDT": 64_000.5, "ETHUSDT": 3_100.25}
Watch = Callable[[ccxt_pro.binanceusdm], Awaitable[Any]]


@pytest.fixture
def venue() -> Iterator[SimVenue]:
    v = SimVenue(seed=5, demo_book=None)
    v.set_marks(MARKS)
    v.start()
    v.start_stream()
    yield v
    v.stop()


def watching(venue: SimVenue, watch: Watch, *, close: bool = True) -> Any:
    async def run() -> Any:
        exchange = pro_binanceusdm_at(venue.url, venue.ws_url, enable_rate_limit=False)
        try:
            return await asyncio.wait_for(watch(exchange), 10)
        finally:
            await exchange.close()

    return asyncio.run(run())


async def mark_until(exchange: ccxt_pro.binanceusdm, symbol: str, wanted: float) -> float:
    while (await exchange.watch_mark_price(symbol))["markPrice"] != wanted:
        pass
    return time.monotonic()


def test_watch_mark_price_gets_the_venue_mark_and_a_set_marks_at_once(venue: SimVenue) -> None:
    async def watch(ex: ccxt_pro.binanceusdm) -> tuple[dict[str, Any], float]:
        first = await ex.watch_mark_price(BTC)
        started = time.monotonic()
        venue.set_marks({"BTCUSDT": 61_234.5})
        seen = await asyncio.wait_for(mark_until(ex, BTC, 61_234.5), 1.0)
        return first, seen - started

    first, delay = watching(venue, watch)
    assert (first["symbol"], first["markPrice"], first["indexPrice"]) == (BTC, 64_000.5, 64_000.5)
    assert first["info"]["e"] == "markPriceUpdate"
    assert delay < 0.25


def test_watch_mark_prices_follows_every_market_through_a_shift(venue: SimVenue) -> None:
    async def watch(ex: ccxt_pro.binanceusdm) -> tuple[dict[str, Any], dict[str, Any]]:
        before = await ex.watch_mark_prices()
        venue.shift_all(0.9)
        while True:
            after = await ex.watch_mark_prices()
            if after[BTC]["markPrice"] != before[BTC]["markPrice"]:
                return before, after

    before, after = watching(venue, watch)
    assert set(before) == {m.symbol for m in MARKETS}
    for symbol, ticker in after.items():
        assert ticker["markPrice"] == pytest.approx(before[symbol]["markPrice"] * 0.9, rel=1e-9)


def test_the_1s_stream_pushes_every_second_while_marks_stand_still(venue: SimVenue) -> None:
    async def watch(ex: ccxt_pro.binanceusdm) -> list[float]:
        await ex.watch_mark_price(BTC)
        times = []
        for _ in range(2):
            await ex.watch_mark_price(BTC)
            times.append(time.monotonic())
        return times

    one, two = watching(venue, watch)
    assert 0.8 < two - one < 1.8


def test_a_quiet_stream_sends_nothing_but_stays_connected(venue: SimVenue) -> None:
    async def watch(ex: ccxt_pro.binanceusdm) -> tuple[int, float]:
        await ex.watch_mark_price(BTC)
        venue.stream.go_quiet()
        venue.set_marks({"BTCUSDT": 60_000.0})
        with pytest.raises(TimeoutError):  # more than two 1 s periods without a message
            await asyncio.wait_for(ex.watch_mark_price(BTC), 2.5)
        connected = venue.stream.connections()
        venue.stream.resume()
        return connected, (await ex.watch_mark_price(BTC))["markPrice"]

    connected, mark = watching(venue, watch)
    assert connected == 1
    assert mark == 60_000.0  # the first message after the fault carries the mark set during it


def test_stop_closes_the_streams_within_a_second(venue: SimVenue) -> None:
    async def watch(ex: ccxt_pro.binanceusdm) -> tuple[float, BaseException]:
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
