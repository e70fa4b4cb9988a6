"""Reads the app can do without: a venue (or a stand-in of it) that does not serve a route
answers with an error of its own, and the caller falls back to a figure it can still vouch
for. A network failure or a refused key is never swallowed here."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import ccxt.async_support as ccxt_async

log = logging.getLogger(__name__)

# Errors that mean "this is not served / not for this account", not "the venue is down".
_NOT_SERVED = (ccxt_async.BadRequest, ccxt_async.NotSupported, ccxt_async.BadSymbol)
_NEVER = (
    ccxt_async.AuthenticationError,
    ccxt_async.PermissionDenied,
    ccxt_async.AccountSuspended,
    ccxt_async.RateLimitExceeded,
    ccxt_async.OnMaintenance,
    # The session was closed under the read (the app is stopping): the read ends here, it
    # does not go on to its fallbacks.
    ccxt_async.ExchangeClosedByUser,
)


async def optional(call: Awaitable[Any], what: str) -> Any | None:
    """The answer, or None when the venue says it does not serve `what` (logged)."""
    try:
        return await call
    except _NEVER:
        raise
    except (*_NOT_SERVED, ccxt_async.ExchangeError) as exc:
        if isinstance(exc, ccxt_async.NetworkError):
            raise
        log.warning("%s is not available (%s); falling back", what, type(exc).__name__)
        return None
