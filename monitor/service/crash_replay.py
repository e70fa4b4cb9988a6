"""Crash replay for a set of pools: the venue's candles of a past window (a preset crash or any
dates), replayed on today's marks and book (domain/risk/replay.py). Qt-free; heavy — run it off
the UI thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from monitor.domain.book import Book
from monitor.domain.model import Account, Thresholds
from monitor.domain.risk.replay import Replay, replay
from monitor.sources.exchange.errors import SourceError
from monitor.sources.exchange.market_history import MINUTE_MS, MarketHistoryReader

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
    return replay(book, candles, thresholds)
