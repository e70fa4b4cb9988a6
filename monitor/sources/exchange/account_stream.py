"""Positions and balances as they change, over the venue's user data stream.

Binance USDⓈ-M pushes ACCOUNT_UPDATE on the account's listenKey stream whenever a balance or a
position changes (a fill, a funding fee, a liquidation); ccxt.pro's watch_balance returns on it
(and keeps the listenKey alive). An event only says that the account changed: the service reads
the account over REST at once, so positions, balances and the venue's own figures still enter
the store together, from one read, and a missed event costs one poll interval at most.

The stream holds the account's key (a listenKey is created with it), so no message that
leaves here carries the stream's URL: the listenKey is its last path segment.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.contracts import Credentials, ExchangeSettings
from monitor.sources.exchange.build import point_at
from monitor.sources.exchange.errors import NotSupported, clean_reason
from monitor.sources.exchange.stream import point_ws_at

USER_STREAMING = ("binanceusdm",)
_WS_URL = re.compile(r"wss?://\S+")


def streams_account(record: Any) -> bool:
    """Does this exchange account read its changes off a user data stream? As for marks: a
    stream URL given for it, or a real account on the venue's own hosts."""
    settings = record.settings
    exchange_id = str(settings.get("exchange_id") or record.venue or "")
    if exchange_id not in USER_STREAMING or record.kind != "exchange":
        return False
    return bool(settings.get("ws_url")) or not settings.get("api_url")


def quiet_reason(exc: BaseException) -> str:
    """Why the stream stopped, in words fit for a log: no URL (it holds the listenKey)."""
    text = _WS_URL.sub("the user data stream", clean_reason(str(exc)))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class AccountEvents:
    """`next` returns when the venue reports a change of the account's balances or positions."""

    def __init__(
        self, settings: ExchangeSettings, credentials: Credentials, ws_url: str | None
    ) -> None:
        import ccxt.pro as ccxt_pro

        if settings.exchange_id not in USER_STREAMING:
            raise NotSupported(f"{settings.exchange_id}: account changes are read over REST")
        config = {"apiKey": credentials.api_key, "secret": credentials.secret}
        self.exchange = getattr(ccxt_pro, settings.exchange_id)(config)
        if settings.sandbox:
            self.exchange.set_sandbox_mode(True)
        if settings.api_url:
            point_at(self.exchange, settings.api_url)
        if ws_url:
            point_ws_at(self.exchange, ws_url)

    async def next(self) -> None:
        if not self.exchange.markets:
            await self.exchange.load_markets()
        await self.exchange.watch_balance()

    async def close(self) -> None:
        await self.exchange.close()
