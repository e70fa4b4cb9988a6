"""The simulated venue's past: any window a client asks for, paged through ccxt as from
Binance, and the preset crashes' shapes (the 2025-10-10 one shaped like the recorded event)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from monitor.service.crash_replay import PRESET_CRASHES
from monitor.sources.exchange.market_history import MarketHistoryReader
from monitor.sources.sim import SimVenue
from monitor.sources.sim.past_prices import WINDOWS

MINUTE = 60_000


def read(venue: SimVenue, symbols: list[str], window: tuple[int, int]) -> dict:
    async def go() -> dict:
        reader = MarketHistoryReader("binanceusdm", api_url=venue.url, enable_rate_limit=False)
        try:
            days = (window[1] - window[0]) / (24 * 60 * MINUTE)
            return await reader.candles(symbols, days, now_ms=window[1])
        finally:
            await reader.close()

    return asyncio.run(go())


def test_the_sim_has_a_shape_for_every_preset() -> None:
    assert set(WINDOWS) == set(PRESET_CRASHES.values())


def test_a_long_past_window_is_served_whole_over_several_pages(sim_venue: SimVenue) -> None:
    window = PRESET_CRASHES["2020-03-12 Black Thursday"]  # 36 h: 2,161 candles, 3 ccxt pages
    first = read(sim_venue, ["BTC/USDT:USDT"], window)["BTC/USDT:USDT"]
    times, closes = first
    assert times.tolist() == list(range(window[0], window[1] + 1, MINUTE))
    assert np.all(closes > 0)
    again = read(sim_venue, ["BTC/USDT:USDT"], window)["BTC/USDT:USDT"]
    assert np.array_equal(again[1], closes)  # the past does not change between requests


def test_the_tariff_crash_has_the_recorded_shape(sim_venue: SimVenue) -> None:
    """BTC about -14 % (~122k -> ~104.8k) within roughly an hour of the 20:50 UTC tariff
    post, the low near 21:20, part won back; ETH and the alts fell further."""
    window = PRESET_CRASHES["2025-10-10 tariff crash"]
    symbols = ["BTC/USDT:USDT", "ETH/USDT:USDT", "DOGE/USDT:USDT"]
    candles = read(sim_venue, symbols, window)
    fall = {}
    for symbol, (times, closes) in candles.items():
        low = int(np.argmin(closes))
        fall[symbol] = closes[low] / closes[0] - 1
        assert 170 <= (times[low] - window[0]) / MINUTE <= 230, symbol  # 20:50 .. 21:50 UTC
        assert closes[-1] > closes[low] and closes[-1] < closes[0]  # part won back
    assert fall["BTC/USDT:USDT"] == pytest.approx(104_800 / 122_000 - 1, abs=0.02)
    assert fall["BTC/USDT:USDT"] > fall["ETH/USDT:USDT"] > fall["DOGE/USDT:USDT"]
    times, closes = candles["BTC/USDT:USDT"]
    hour_before_low = closes[int(np.argmin(closes)) - 60]
    assert closes.min() / hour_before_low - 1 < -0.10  # most of the fall within the hour
