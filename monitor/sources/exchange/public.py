"""Marks for manual accounts from public tickers: no keys, no account, read-only instance."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.service.api import Credentials, ExchangeSettings
from monitor.sources.exchange.build import build_exchange
from monitor.sources.exchange.errors import Malformed, translate
from monitor.sources.exchange.numbers import number


async def fetch_public_marks(
    exchange_id: str,
    symbols: list[str],
    *,
    api_url: str | None = None,
    enable_rate_limit: bool = True,
) -> Mapping[str, float]:
    """symbol -> mark price (ticker markPrice, else last) for each requested symbol."""
    settings = ExchangeSettings(exchange_id, api_url=api_url, wallet_address="public")
    exchange = build_exchange(settings, Credentials(), enable_rate_limit=enable_rate_limit)
    try:
        tickers = await exchange.fetch_tickers(symbols)
    except Exception as exc:
        raise translate(exc, exchange_id, "public marks") from exc
    finally:
        await exchange.close()
    marks = {}
    for symbol in symbols:
        ticker = tickers.get(symbol)
        if ticker is None:
            raise Malformed(f"{exchange_id}: no ticker for {symbol}")
        value = ticker.get("markPrice") or ticker.get("last")
        marks[symbol] = number(value, f"{exchange_id} ticker {symbol} mark/last")
    return marks
