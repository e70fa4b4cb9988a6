"""A read the app can do without falls back only when the venue says it does not serve it."""

from __future__ import annotations

import asyncio

import ccxt.async_support as ccxt_async
import pytest

from monitor.sources.exchange.optional import optional


async def _raises(exc: Exception) -> None:
    raise exc


def test_a_route_the_venue_does_not_serve_falls_back() -> None:
    got = asyncio.run(optional(_raises(ccxt_async.BadRequest("no such route")), "x"))
    assert got is None


@pytest.mark.parametrize(
    "exc",
    [
        ccxt_async.ExchangeClosedByUser("closed"),  # the app is stopping: no fallback reads
        ccxt_async.AuthenticationError("bad key"),
        ccxt_async.NetworkError("down"),
    ],
)
def test_a_closed_session_a_refused_key_or_a_network_failure_is_never_swallowed(
    exc: Exception,
) -> None:
    with pytest.raises(type(exc)):
        asyncio.run(optional(_raises(exc), "x"))
