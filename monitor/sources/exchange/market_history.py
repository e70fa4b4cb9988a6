"""The venue's recent candles and current funding, read publicly (no keys) and handed on as
plain arrays and domain objects — never as the venue's JSON.

Candles are the venue's *mark-price* candles where ccxt reaches them (params price="mark":
Binance markPriceKlines, Bybit mark-price-kline, OKX mark-price-candles): liquidation is judged
on the mark, and last-trade candles carry wicks the mark never made. Funding intervals come
from ccxt's unified `interval` where the venue states it, else from Binance's fundingInfo
(which lists only the markets whose interval is not the default 8 hours).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from monitor.domain.risk.funding import FundingRate
from monitor.sources.exchange.build import build_public_exchange
from monitor.sources.exchange.errors import Malformed, NotSupported, translate
from monitor.sources.exchange.numbers import number

MINUTE_MS = 60_000
CANDLE_VENUES = ("binanceusdm", "binancecoinm", "bybit", "okx")
FUNDING_VENUES = ("binanceusdm", "binancecoinm", "bybit", "okx")
DEFAULT_INTERVAL_HOURS = 8.0
PAGE = 1000  # ccxt binance's cap per kline request (Binance itself allows 1500)

Series = tuple[np.ndarray, np.ndarray]  # (open times ms int64, closes float64)


def _hours(text: Any, where: str) -> float | None:
    """'8h' -> 8.0; None when absent."""
    if text is None or text == "":
        return None
    raw = str(text)
    value = number(raw[:-1] if raw.endswith("h") else raw, where)
    if value <= 0:
        raise Malformed(f"{where}: funding interval must be > 0 hours, got {raw!r}")
    return value


class MarketHistoryReader:
    """One venue's public candles and funding rates, one ccxt instance kept."""

    def __init__(
        self, exchange_id: str, *, api_url: str | None = None, enable_rate_limit: bool = True
    ) -> None:
        self.exchange_id = exchange_id
        self._exchange: Any = build_public_exchange(
            exchange_id, api_url, enable_rate_limit=enable_rate_limit
        )

    async def candles(
        self, symbols: Sequence[str], days: float = 7.0, now_ms: int | None = None
    ) -> dict[str, Series]:
        """symbol -> its 1-minute mark candles' open times and closes over the last `days`."""
        if self.exchange_id not in CANDLE_VENUES:
            raise NotSupported(f"{self.exchange_id}: candles are not read from this venue")
        end = int(time.time() * 1000) if now_ms is None else now_ms
        start = end - int(days * 24 * 60 * MINUTE_MS)
        ex = self._exchange
        out: dict[str, Series] = {}
        try:
            await ex.load_markets()
            for symbol in symbols:
                rows: list[list[Any]] = []
                since = start
                while since <= end:
                    page = await ex.fetch_ohlcv(
                        symbol, "1m", since, PAGE, {"price": "mark", "until": end}
                    )
                    if not page:
                        break
                    rows.extend(page)
                    since = int(page[-1][0]) + MINUTE_MS
                    if len(page) < PAGE:
                        break
                out[symbol] = self._series(symbol, rows)
        except Malformed:
            raise
        except Exception as exc:
            raise translate(exc, self.exchange_id, "candles") from exc
        return out

    def _series(self, symbol: str, rows: list[list[Any]]) -> Series:
        where = f"{self.exchange_id} candles {symbol}"
        times = np.array(
            [int(number(r[0], f"{where} #{i} time")) for i, r in enumerate(rows)], dtype=np.int64
        )
        closes = np.array(
            [number(r[4], f"{where} #{i} close") for i, r in enumerate(rows)], dtype=np.float64
        )
        bad = np.flatnonzero(closes <= 0)
        if bad.size:
            raise Malformed(f"{where} #{int(bad[0])} close: not a price: {closes[bad[0]]!r}")
        times, first = np.unique(times, return_index=True)  # pages may overlap by a candle
        return times, closes[first]

    async def funding(self, symbols: Sequence[str]) -> dict[str, FundingRate]:
        """symbol -> current funding rate and interval (symbols the venue does not fund are
        left out)."""
        if self.exchange_id not in FUNDING_VENUES:
            raise NotSupported(f"{self.exchange_id}: funding is not read from this venue")
        ex = self._exchange
        try:
            await ex.load_markets()
            rates = await ex.fetch_funding_rates(list(symbols))
            stated = {
                s: _hours(r.get("interval"), f"{self.exchange_id} funding {s} interval")
                for s, r in rates.items()
            }
            if any(v is None for v in stated.values()) and ex.has.get("fetchFundingIntervals"):
                for s, r in (await ex.fetch_funding_intervals()).items():
                    if s in stated and stated[s] is None:
                        stated[s] = _hours(r.get("interval"), f"{self.exchange_id} {s} interval")
        except Malformed:
            raise
        except Exception as exc:
            raise translate(exc, self.exchange_id, "funding rates") from exc
        out = {}
        for symbol in symbols:
            r = rates.get(symbol)
            if r is None or r.get("fundingRate") is None:
                continue
            rate = number(r["fundingRate"], f"{self.exchange_id} funding {symbol} fundingRate")
            out[symbol] = FundingRate(rate, stated.get(symbol) or DEFAULT_INTERVAL_HOURS)
        return out

    async def close(self) -> None:
        await self._exchange.close()
