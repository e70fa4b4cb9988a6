"""Marks for manual accounts from public market data: no keys, no account, read-only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.sources.exchange.build import build_public_exchange
from monitor.sources.exchange.errors import Malformed, translate
from monitor.sources.exchange.numbers import number


class PublicMarks:
    """One venue's public marks, with one ccxt instance kept (markets loaded once)."""

    def __init__(
        self, exchange_id: str, *, api_url: str | None = None, enable_rate_limit: bool = True
    ) -> None:
        self.exchange_id = exchange_id
        self._exchange: Any = build_public_exchange(
            exchange_id, api_url, enable_rate_limit=enable_rate_limit
        )

    async def fetch(self, symbols: Sequence[str]) -> Mapping[str, float]:
        """symbol -> mark (the venue's mark price where it publishes one, else last trade)."""
        ex = self._exchange
        wanted = list(symbols)
        try:
            await ex.load_markets()
            if ex.has.get("fetchMarkPrices"):
                tickers = await ex.fetch_mark_prices(wanted)
            else:
                tickers = await ex.fetch_tickers(wanted)
        except Exception as exc:
            raise translate(exc, self.exchange_id, "public marks") from exc
        marks = {}
        for symbol in wanted:
            ticker = tickers.get(symbol)
            if ticker is None:
                raise Malformed(f"{self.exchange_id}: no mark price for {symbol}")
            value = ticker.get("markPrice") or ticker.get("last")
            marks[symbol] = number(value, f"{self.exchange_id} ticker {symbol} mark/last")
        return marks

    async def close(self) -> None:
        await self._exchange.close()

    async def market_marks(self, settle: str | None = None) -> dict[str, float]:
        return await all_swap_marks(self._exchange, self.exchange_id, settle)


async def all_swap_marks(ex: Any, exchange_id: str, settle: str | None) -> dict[str, float]:
    """symbol -> mark of every active swap (one request where the venue lists all marks)."""
    try:
        await ex.load_markets()
        symbols = [
            symbol
            for symbol, market in ex.markets.items()
            if market.get("swap")
            and market.get("active", True) is not False
            and (settle is None or market.get("settle") == settle)
        ]
        if ex.has.get("fetchMarkPrices"):
            tickers = await ex.fetch_mark_prices()
        else:
            tickers = await ex.fetch_tickers(symbols)
    except Exception as exc:
        raise translate(exc, exchange_id, "market marks") from exc
    marks = {}
    for symbol in symbols:
        ticker = tickers.get(symbol) or {}
        value = ticker.get("markPrice") or ticker.get("last")
        if value is not None and float(value) > 0:  # an unquoted market is left out, never 0
            marks[symbol] = float(value)
    return marks


async def fetch_public_marks(
    exchange_id: str,
    symbols: list[str],
    *,
    api_url: str | None = None,
    enable_rate_limit: bool = True,
) -> Mapping[str, float]:
    """One-off: symbol -> mark for each requested symbol."""
    reader = PublicMarks(exchange_id, api_url=api_url, enable_rate_limit=enable_rate_limit)
    try:
        return await reader.fetch(symbols)
    finally:
        await reader.close()
