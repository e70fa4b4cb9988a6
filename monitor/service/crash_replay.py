"""Crash replay for a set of pools: the venue's candles of a past window (a preset crash or any
dates), replayed on today's marks and book (domain/risk/replay.py). Qt-free; heavy — run it off
the UI thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from monitor.domain.book import Book
from monitor.domain.model import Account, Thresholds
from monitor.domain.risk.replay import Replay, replay
from monitor.sources.exchange.errors import SourceError
from monitor.sources.exchange.market_history import MINUTE_MS, MarketHistoryReader, Series

# Well-known crashes, (start, end) in UTC epoch ms. A venue serves 1-minute candles of its
# markets that far back only where they were listed then.
PRESET_CRASHES: dict[str, tuple[int, int]] = {
    "2020-03-12 Black Thursday": (1583971200000, 1584100800000),  # 03-12 00:00 .. 03-13 12:00
    "2021-05-19 sell-off": (1621382400000, 1621468800000),  # 05-19 00:00 .. 05-20 00:00
    "2022-11-08 FTX collapse": (1667865600000, 1668038400000),  # 11-08 00:00 .. 11-10 00:00
    "2024-08-05 carry unwind": (1722772800000, 1722859200000),  # 08-04 12:00 .. 08-05 12:00
    "2025-10-10 tariff crash": (1760119200000, 1760162400000),  # 10-10 18:00 .. 10-11 06:00
}


async def replay_window(
    pools: Sequence[Account],
    thresholds: Thresholds,
    venue: str | None,
    api_url: str | None,
    start_ms: int,
    end_ms: int,
) -> list[Replay]:
    """Each pool's (and isolated position's) path through the window; without a venue or its
    candles, each says why ("unknown: no candles ...")."""
    symbols = sorted({p.symbol for pool in pools for p in pool.positions})
    book = Book.build(tuple(pools))
    if venue is None:
        return replay(book, {}, thresholds)
    reader = MarketHistoryReader(venue, api_url=api_url)
    try:
        days = (end_ms - start_ms) / (24 * 60 * MINUTE_MS)
        candles = await reader.candles(symbols, days, now_ms=end_ms)
    except SourceError as exc:
        why = f"unknown: no candles ({exc})"
        return [replace(r, reason=why) for r in replay(book, {}, thresholds)]
    finally:
        await reader.close()
    short = _short_of(candles, symbols, start_ms, end_ms)
    if short:
        return [replace(r, reason=f"unknown: {short}") for r in replay(book, {}, thresholds)]
    return replay(book, candles, thresholds)


def _short_of(candles: dict[str, Series], symbols: Sequence[str], start: int, end: int) -> str:
    """Why the candles do not span the window ('' when they do): a market listed later, or a
    window reaching past the venue's last minute, would otherwise replay a part as the whole."""
    first, last = -(-start // MINUTE_MS) * MINUTE_MS, end // MINUTE_MS * MINUTE_MS
    for symbol in symbols:
        times = candles.get(symbol, (np.zeros(0, dtype=np.int64), None))[0]
        if not times.size:
            return f"no candles for {symbol} in the window"
        if times[0] > first or times[-1] < last:
            return (
                f"no candles for {symbol} over the whole window (the venue has "
                f"{_utc(int(times[0]))} .. {_utc(int(times[-1]))})"
            )
    return ""


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
