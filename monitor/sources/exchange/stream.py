"""Live marks over the venue's websocket (ccxt.pro, which ships inside ccxt): the reads that
let health follow the market between two REST refreshes.

Public mark-price streams only — no key is given to the streaming instance, so it cannot sign
anything. Binance USDⓈ-M streams marks ("<symbol>@markPrice@1s": at least one message a second
per symbol, so a second or three of silence means the stream went quiet); the other venues
are read over REST alone for now.
"""

from __future__ import annotations

from typing import Any

from monitor.contracts import ExchangeSettings
from monitor.sources.exchange.build import point_at
from monitor.sources.exchange.errors import NotSupported

STREAMING = ("binanceusdm",)


def point_ws_at(exchange: Any, ws_url: str) -> None:
    """Send every websocket URL of `exchange` to the host of `ws_url`, paths kept."""
    base = ws_url.rstrip("/")

    def rewrite(urls: Any) -> Any:
        if isinstance(urls, dict):
            return {k: rewrite(v) for k, v in urls.items()}
        if isinstance(urls, str) and urls.startswith(("ws://", "wss://")):
            scheme_host = "/".join(urls.split("/", 3)[:3])
            return base + urls[len(scheme_host) :]
        return urls

    # From the class's own table: pointing REST at a host may have rewritten these too.
    exchange.urls["api"]["ws"] = rewrite(exchange.describe()["urls"]["api"]["ws"])


def streams_marks(record: Any) -> bool:
    """Does this account read live marks? A stream URL given for it; or a real Binance USDⓈ-M
    account (no REST override: the venue's own stream hosts). A REST host given without a
    stream URL says nothing of where its streams are: REST alone."""
    settings = record.settings
    exchange_id = str(settings.get("exchange_id") or record.venue or "")
    if exchange_id not in STREAMING or record.kind == "manual":
        return False
    if settings.get("ws_url"):
        return True
    return record.kind == "exchange" and not settings.get("api_url")


class MarkStream:
    """watch_mark_prices for an account's symbols; `next` returns {symbol: mark}."""

    def __init__(self, settings: ExchangeSettings, ws_url: str | None) -> None:
        import ccxt.pro as ccxt_pro

        if settings.exchange_id not in STREAMING:
            raise NotSupported(f"{settings.exchange_id}: marks are read over REST only")
        self.settings = settings
        self.exchange = getattr(ccxt_pro, settings.exchange_id)({"enableRateLimit": True})
        if settings.api_url:
            point_at(self.exchange, settings.api_url)
        if ws_url:
            point_ws_at(self.exchange, ws_url)

    async def next(self, symbols: list[str]) -> dict[str, float]:
        if not self.exchange.markets:
            await self.exchange.load_markets()
        await self.exchange.watch_mark_prices(symbols)
        # One call returns the message that woke it; the others that arrived since sit in the
        # exchange's ticker cache: every symbol's latest mark comes from there.
        marks = {}
        for symbol in symbols:
            price = (self.exchange.tickers.get(symbol) or {}).get("markPrice")
            if price is not None and float(price) > 0:
                marks[symbol] = float(price)
        return marks

    async def close(self) -> None:
        await self.exchange.close()
