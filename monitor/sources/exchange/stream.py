"""Live marks over the venue's websocket (ccxt.pro, which ships inside ccxt): the reads that
let health follow the market between two REST refreshes.

Public streams only — no key is given to the streaming instance, so it cannot sign anything.

- Binance USDⓈ-M: watch_mark_prices ("<symbol>@markPrice@1s": at least one message a second
  per symbol).
- Bybit: watch_tickers (the v5 public linear "tickers.<symbol>" topic, where USDT and USDC
  perpetuals both are: one connection for an account holding either or both). Its snapshot and
  deltas carry markPrice; ccxt.pro merges each delta into the ticker it holds. Bybit pushes
  every 100 ms while anything of the ticker changes.
- OKX: watch_mark_prices (the v5 public "mark-price" channel): "pushed every 200 ms when the
  mark price changes, and ... every 10 seconds when the mark price does not change".

HEARTBEAT_S says, per venue, how long a live stream can stay silent: longer than that, it went
quiet. The other venues are read over REST alone for now.
"""

from __future__ import annotations

from typing import Any

from monitor.contracts import ExchangeSettings, endpoint_problem
from monitor.sources.exchange.build import point_at
from monitor.sources.exchange.errors import NotSupported
from monitor.sources.exchange.readonly import make_read_only
from monitor.sources.exchange.shared_markets import SHARED

STREAMING = ("binanceusdm", "bybit", "okx")

# The ccxt.pro call that streams each venue's marks into exchange.tickers[symbol]["markPrice"].
WATCH = {
    "binanceusdm": "watch_mark_prices",
    "bybit": "watch_tickers",
    "okx": "watch_mark_prices",
}

# Seconds of silence after which a venue's stream counts as quiet: a few of its slowest pushes
# (Binance and the simulated Bybit: 1 s; OKX: 10 s while a mark stands still).
HEARTBEAT_S = {"binanceusdm": 3.0, "bybit": 3.0, "okx": 15.0}


def heartbeat_for(exchange_id: str) -> float:
    """How long `exchange_id`'s mark stream may stay silent before it counts as quiet."""
    return HEARTBEAT_S.get(exchange_id, 3.0)


def point_ws_at(exchange: Any, ws_url: str) -> None:
    """Send every websocket URL of `exchange` to the host of `ws_url`, paths kept. Refused
    (ValueError) where the stream would travel unencrypted off this machine."""
    problem = endpoint_problem(ws_url, "stream URL")
    if problem:
        raise ValueError(problem)
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
    """Does this account read live marks? A stream URL given for it; or a real account of a
    streaming venue (no REST override: the venue's own stream hosts). A REST host given without
    a stream URL says nothing of where its streams are: REST alone."""
    settings = record.settings
    exchange_id = str(settings.get("exchange_id") or record.venue or "")
    if exchange_id not in STREAMING or record.kind == "manual":
        return False
    if settings.get("ws_url"):
        return True
    return record.kind == "exchange" and not settings.get("api_url")


class MarkStream:
    """The venue's mark stream for an account's symbols (see WATCH); `next` returns
    {symbol: mark}. `heartbeat`: how long `next` may take on a live stream."""

    def __init__(self, settings: ExchangeSettings, ws_url: str | None) -> None:
        import ccxt.pro as ccxt_pro

        exchange_id = settings.exchange_id
        if exchange_id not in STREAMING:
            raise NotSupported(f"{exchange_id}: marks are read over REST only")
        self.settings = settings
        self.heartbeat = heartbeat_for(exchange_id)
        self._watch = WATCH[exchange_id]
        self.exchange = make_read_only(getattr(ccxt_pro, exchange_id)({"enableRateLimit": True}))
        if settings.sandbox and exchange_id != "binanceusdm":
            self.exchange.set_sandbox_mode(True)  # the venue's demo/testnet stream hosts
        if settings.api_url:
            point_at(self.exchange, settings.api_url)
        if ws_url:
            point_ws_at(self.exchange, ws_url)

    async def next(self, symbols: list[str]) -> dict[str, float]:
        if not self.exchange.markets:
            await SHARED.load(self.exchange)  # one copy per venue
        await getattr(self.exchange, self._watch)(symbols)
        return self.latest(symbols)

    def latest(self, symbols: list[str]) -> dict[str, float]:
        """Every symbol's latest mark in the exchange's ticker cache. One `next` returns with
        the message that woke it; the others of the same burst land in the cache after it."""
        marks = {}
        for symbol in symbols:
            price = (self.exchange.tickers.get(symbol) or {}).get("markPrice")
            if price is not None and float(price) > 0:
                marks[symbol] = float(price)
        return marks

    async def close(self) -> None:
        await self.exchange.close()
