"""The venue's recent past: 1-minute mark-price candles and current funding per market.

Binance's GET /fapi/v1/markPriceKlines (and /klines) serve [openTime, open, high, low, close,
ignore, closeTime, ...] rows; GET /fapi/v1/premiumIndex carries lastFundingRate and
nextFundingTime; GET /fapi/v1/fundingInfo lists the markets whose interval is not the default
8 hours, with fundingIntervalHours. By default each market's week of candles is a seeded walk
with its own daily volatility and its beta on a common factor (fat-tailed: Student-t minutes);
a test serves exact returns with `set_returns`, and funding with `set_funding`. Any earlier
window (a crash replay's) is served from past_prices.py, a recorded-shape crash among them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from monitor.sources.sim.markets import SimMarket
from monitor.sources.sim.past_prices import past_closes

MINUTE_MS = 60_000
WEEK_MINUTES = 7 * 24 * 60
DEFAULT_RATE = Decimal("0.0001")
DEFAULT_INTERVAL_HOURS = 8
MAX_LIMIT = 1500  # Binance's cap on klines per request


@dataclass(frozen=True)
class Candles:
    end_ms: int  # open time of the last candle
    closes: np.ndarray  # (H,) closes, the last one at end_ms


@dataclass(frozen=True)
class Funding:
    rate: Decimal
    interval_hours: int


class MarketHistory:
    def __init__(self, markets: Sequence[SimMarket], seed: int, now_ms: int) -> None:
        self._markets = {m.id: m for m in markets}
        self._lock = threading.Lock()
        self._candles: dict[str, Candles] = {}
        self._funding: dict[str, Funding] = {}
        self._seed = seed
        self._start_ms = now_ms // MINUTE_MS * MINUTE_MS

    def _default_candles(self) -> None:
        """Every market's seeded week, built on first use (a common factor moves them together)."""
        rng = np.random.default_rng(self._seed + 1_000_003)
        per_minute = 1.0 / np.sqrt(24 * 60)
        t_scale = np.sqrt(3.0 / 5.0)  # Student-t with 5 degrees of freedom has variance 5/3
        common = rng.standard_t(5, WEEK_MINUTES) * t_scale
        for m in self._markets.values():
            own = rng.standard_t(5, WEEK_MINUTES) * t_scale
            shocks = m.beta * common + np.sqrt(1.0 - m.beta**2) * own
            returns = shocks * m.daily_volatility * per_minute
            self._candles.setdefault(m.id, self._walk(m.start_price, returns, self._start_ms))

    @staticmethod
    def _walk(last: float, returns: np.ndarray, end_ms: int) -> Candles:
        """Closes whose log returns are `returns`, ending at `last`."""
        logs = np.concatenate([[0.0], np.cumsum(returns)])
        return Candles(end_ms, last * np.exp(logs - logs[-1]))

    def set_returns(self, market_id: str, returns: Sequence[float], last: float) -> None:
        """Serve `market_id`'s candles as closes with exactly these 1-minute log returns,
        ending at `last` on the current minute."""
        with self._lock:
            self._candles[market_id] = self._walk(last, np.asarray(returns, float), self._start_ms)

    def set_funding(self, market_id: str, rate: str, interval_hours: int = 8) -> None:
        with self._lock:
            self._funding[market_id] = Funding(Decimal(rate), interval_hours)

    def funding(self, market_id: str) -> Funding:
        with self._lock:
            return self._funding.get(market_id, Funding(DEFAULT_RATE, DEFAULT_INTERVAL_HOURS))

    def adjusted_intervals(self) -> dict[str, int]:
        """Markets whose funding interval is not the default (what fundingInfo lists)."""
        with self._lock:
            return {
                k: f.interval_hours
                for k, f in self._funding.items()
                if f.interval_hours != DEFAULT_INTERVAL_HOURS
            }

    def klines(
        self, market_id: str, start: int | None, end: int | None, limit: int
    ) -> list[list[object]]:
        """Binance kline rows (open time ascending) within [start, end], at most `limit`:
        the earliest ones from `start` when given (before the seeded week: the distant past of
        past_prices.py, at any date), else the latest ones of the week."""
        with self._lock:
            if market_id not in self._candles:
                self._default_candles()
            c = self._candles[market_id]
        n = len(c.closes)
        week = c.end_ms - MINUTE_MS * np.arange(n - 1, -1, -1, dtype=np.int64)
        if start is None:
            keep = week <= end if end is not None else np.ones(n, dtype=bool)
            opens = week[np.flatnonzero(keep)[-limit:]]
        else:
            first = -(-start // MINUTE_MS) * MINUTE_MS
            last = c.end_ms if end is None else min(end, c.end_ms)
            opens = np.arange(first, last + 1, MINUTE_MS, dtype=np.int64)[:limit]
        if not opens.size:
            return []
        closes = self._closes(
            market_id, c, week[0], np.concatenate([[opens[0] - MINUTE_MS], opens])
        )
        return [_row(int(t), float(closes[i]), float(closes[i + 1])) for i, t in enumerate(opens)]

    def _closes(self, market_id: str, c: Candles, week_start: int, opens: np.ndarray) -> np.ndarray:
        """Closes at these open times: the week's where it has them, else the distant past's."""
        out = np.empty(opens.size)
        stored = opens >= week_start
        out[stored] = c.closes[(opens[stored] - week_start) // MINUTE_MS]
        if (~stored).any():
            m = self._markets[market_id]
            out[~stored] = past_closes(
                market_id, m.start_price, m.daily_volatility, self._seed, opens[~stored].tolist()
            )
        return out


def _row(t: int, first: float, close: float) -> list[object]:
    """One Binance kline row; the open is the previous close."""
    high, low = max(first, close), min(first, close)
    return [
        t,
        f"{first:.8f}",
        f"{high:.8f}",
        f"{low:.8f}",
        f"{close:.8f}",
        "0",
        t + MINUTE_MS - 1,
        "0",
        60,
        "0",
        "0",
        "0",
    ]
