"""Positions and balances as they change, over the venue's private websocket.

- Binance USDⓈ-M pushes ACCOUNT_UPDATE on the account's listenKey stream whenever a balance or a
  position changes (a fill, a funding fee, a liquidation); ccxt.pro's watch_balance returns on
  it (and keeps the listenKey alive).
- Bybit v5 (wss://stream.bybit.com/v5/private, after the `auth` op): the `wallet` topic, which
  ccxt.pro's watch_balance subscribes to, pushes on a change of the wallet ("There is no
  snapshot event given at the time when the subscription is successful"; "The unrealised PnL
  change does not trigger an event"). A fill, a fee, a funding payment or a liquidation moves
  the wallet, so each return of watch_balance is a change.
- OKX v5 (wss://ws.okx.com:8443/ws/v5/private, after the `login` op): the `account` channel,
  which ccxt.pro's watch_balance subscribes to, sends an initial and then regular snapshots
  (eventType "snapshot") besides the event-driven pushes (eventType "event_update"). Only the
  latter say that the account changed, so `next` waits for one.

An event only says that the account changed: the service reads the account over REST at once,
so positions, balances and the venue's own figures still enter the store together, from one
read, and a missed event costs one poll interval at most. On Bybit and OKX the change pushes
are counted as ccxt handles them, so one that lands while `next` is not waiting (just after a
snapshot, or between two calls) makes the next call return at once rather than being lost;
changes that arrive together are one return.

The stream holds the account's key (a Binance listenKey is the stream URL's last path segment;
Bybit and OKX sign a login with the secret), so no message that leaves here carries the
stream's URL or a credential.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.contracts import Credentials, ExchangeSettings
from monitor.sources.exchange.build import BASE_OPTIONS, point_at
from monitor.sources.exchange.errors import NotSupported, clean_reason
from monitor.sources.exchange.readonly import make_read_only
from monitor.sources.exchange.shared_markets import SHARED
from monitor.sources.exchange.stream import point_ws_at

USER_STREAMING = ("binanceusdm", "bybit", "okx")
_WS_URL = re.compile(r"wss?://\S+")
OKX_EVENT = "event_update"  # an OKX account push caused by a change, not a snapshot


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

        exchange_id = settings.exchange_id
        if exchange_id not in USER_STREAMING:
            raise NotSupported(f"{exchange_id}: account changes are read over REST")
        self._exchange_id = exchange_id
        self._secrets = tuple(
            s for s in (credentials.api_key, credentials.secret, credentials.password) if s
        )
        config: dict[str, Any] = {"apiKey": credentials.api_key, "secret": credentials.secret}
        if credentials.password:
            config["password"] = credentials.password  # OKX's passphrase
        if exchange_id in BASE_OPTIONS:  # Bybit: a unified account, no REST to find out
            config["options"] = dict(BASE_OPTIONS[exchange_id])
        self.exchange = make_read_only(getattr(ccxt_pro, exchange_id)(config))
        if settings.sandbox:
            self.exchange.set_sandbox_mode(True)  # the venue's testnet/demo hosts
        if settings.api_url:
            point_at(self.exchange, settings.api_url)
        if ws_url:
            point_ws_at(self.exchange, ws_url)
        self._changes = 0  # change pushes handled so far (Bybit, OKX)
        self._taken = 0  # … of which `next` has reported
        if exchange_id != "binanceusdm":
            self._count_changes()

    def _count_changes(self) -> None:
        """Count each change push as ccxt handles it: Bybit's every wallet message, OKX's
        account messages of eventType event_update (not its snapshots)."""
        handle = self.exchange.handle_balance

        def counting(client: Any, message: Any) -> Any:
            if self._exchange_id != "okx" or _event_type(message) == OKX_EVENT:
                self._changes += 1
            return handle(client, message)

        self.exchange.handle_balance = counting  # ccxt looks its handlers up on each message

    async def next(self) -> None:
        try:
            if not self.exchange.markets:
                await SHARED.load(self.exchange)  # one copy per venue
            if self._exchange_id == "binanceusdm":
                await self.exchange.watch_balance()
                return
            while self._changes == self._taken:
                await self.exchange.watch_balance()
            self._taken = self._changes
        except Exception as exc:
            cleaned = self._without_credentials(exc)
            if cleaned is exc:
                raise
            raise cleaned from None

    def _without_credentials(self, exc: Exception) -> Exception:
        """`exc`, or one like it whose text holds none of the account's credentials (a venue's
        refusal may quote the login it refused)."""
        text = str(exc)
        if not any(s in text for s in self._secrets):
            return exc
        for secret in self._secrets:
            text = text.replace(secret, "…")
        try:
            return type(exc)(text)
        except Exception:
            return RuntimeError(text)

    async def close(self) -> None:
        await self.exchange.close()


def _event_type(message: Any) -> str | None:
    """An OKX push's eventType ("snapshot" or "event_update")."""
    return message.get("eventType") if isinstance(message, dict) else None
