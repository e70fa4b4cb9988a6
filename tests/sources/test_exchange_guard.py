"""Read-only by construction, error mapping, and address-only Hyperliquid."""

from __future__ import annotations

import asyncio
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from ccxt.base import errors as cx

from monitor.service.api import Credentials, ExchangeSettings
from monitor.sources.exchange import errors
from monitor.sources.exchange.build import SUPPORTED, build_exchange
from monitor.sources.exchange.errors import ReadOnlyViolation, Transient, translate
from monitor.sources.exchange.reader import ExchangeReader

ADDRESS = "0x" + "1" * 40
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "ccxt-fixtures"
KEYS = Credentials("key", "secret", "pass")


def settings_for(exchange_id: str) -> ExchangeSettings:
    wallet = "dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art" if exchange_id == "dydx" else ADDRESS
    return ExchangeSettings(exchange_id, wallet_address=wallet)


def recorder(exchange: Any, answer: Any = None) -> list[tuple[str, str, Any]]:
    sent: list[tuple[str, str, Any]] = []

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        sent.append((method, url, body))
        return answer

    exchange.fetch = fetch
    return sent


WRITES = [
    ("create_order", ("BTC/USDT:USDT", "market", "buy", 1.0)),
    ("cancel_order", ("1", "BTC/USDT:USDT")),
    ("transfer", ("USDT", 1.0, "future", "spot")),
    ("withdraw", ("USDT", 1.0, "addr")),
    ("createOrder", ("BTC/USDT:USDT", "market", "buy", 1.0)),
    ("set_leverage", (10, "BTC/USDT:USDT")),
    ("add_margin", ("BTC/USDT:USDT", 1.0)),
]


@pytest.mark.parametrize("exchange_id", SUPPORTED)
@pytest.mark.parametrize(("method", "args"), WRITES)
def test_write_methods_raise_and_send_nothing(
    exchange_id: str, method: str, args: tuple[Any, ...]
) -> None:
    async def run() -> list[Any]:
        exchange = build_exchange(settings_for(exchange_id), KEYS, enable_rate_limit=False)
        sent = recorder(exchange)
        try:
            with pytest.raises(ReadOnlyViolation):
                result = getattr(exchange, method)(*args)
                if inspect.isawaitable(result):
                    await result
        finally:
            await exchange.close()
        return sent

    assert asyncio.run(run()) == []


@pytest.mark.parametrize("exchange_id", SUPPORTED)
def test_non_get_private_calls_refused_at_request_level(exchange_id: str) -> None:
    async def run() -> list[Any]:
        exchange = build_exchange(settings_for(exchange_id), KEYS, enable_rate_limit=False)
        sent = recorder(exchange)
        try:
            for method in ("POST", "DELETE", "PUT"):
                with pytest.raises(ReadOnlyViolation):
                    await exchange.request("order", "private", method, {})
                with pytest.raises(ReadOnlyViolation):
                    await exchange.fetch2("order", ["private"], method, {})
        finally:
            await exchange.close()
        return sent

    assert asyncio.run(run()) == []


def test_hyperliquid_exchange_endpoint_refused_info_allowed() -> None:
    async def run() -> list[Any]:
        exchange = build_exchange(
            settings_for("hyperliquid"), Credentials(), enable_rate_limit=False
        )
        sent = recorder(exchange, {"ok": True})
        try:
            with pytest.raises(ReadOnlyViolation):
                await exchange.privatePostExchange({"action": {"type": "order"}})
            await exchange.publicPostInfo({"type": "clearinghouseState", "user": ADDRESS})
        finally:
            await exchange.close()
        return sent

    sent = asyncio.run(run())
    assert [(m, u.rsplit("/", 1)[-1]) for m, u, _ in sent] == [("POST", "info")]


def test_hyperliquid_builder_refuses_a_private_key() -> None:
    with pytest.raises(ReadOnlyViolation, match="private key"):
        build_exchange(settings_for("hyperliquid"), Credentials(), private_key="0x" + "ab" * 32)


def test_hyperliquid_reader_works_with_an_address_alone() -> None:
    state = {
        "marginSummary": {"accountValue": "100.0"},
        "crossMarginSummary": {"accountValue": "100.0", "totalRawUsd": "100.0"},
        "crossMaintenanceMarginUsed": "0.0",
        "assetPositions": [],
        "time": "1",
    }
    markets = json.loads((FIXTURES / "hyperliquid" / "markets.json").read_text())

    async def run() -> tuple[Any, list[Any]]:
        exchange = build_exchange(
            settings_for("hyperliquid"), Credentials(), enable_rate_limit=False, markets=markets
        )
        assert not exchange.privateKey
        sent = recorder(exchange, state)
        reader = ExchangeReader(settings_for("hyperliquid"), Credentials(), exchange=exchange)
        try:
            return await reader.fetch(now=1000.0), sent
        finally:
            await reader.close()

    result, sent = asyncio.run(run())
    (account,) = result.accounts
    assert account.wallet_balance == 100.0
    assert all(url.endswith("/info") for _, url, _ in sent)
    assert not any("exchange" in url for _, url, _ in sent)


def all_ccxt_error_classes() -> set[type]:
    found = {cx.BaseError}
    stack = [cx.BaseError]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub.__module__.startswith("ccxt") and sub not in found:
                found.add(sub)
                stack.append(sub)
    return found | {
        c for c in vars(cx).values() if isinstance(c, type) and issubclass(c, cx.BaseError)
    }


def test_every_ccxt_error_class_is_mapped_explicitly() -> None:
    missing = sorted(c.__name__ for c in all_ccxt_error_classes() if c not in errors.CCXT_ERROR_MAP)
    assert missing == []


@pytest.mark.parametrize(
    ("ccxt_class", "ours"),
    [
        (cx.AuthenticationError, errors.AuthFailed),
        (cx.AccountSuspended, errors.AuthFailed),
        (cx.PermissionDenied, errors.PermissionDenied),
        (cx.RateLimitExceeded, errors.Transient),
        (cx.DDoSProtection, errors.Transient),
        (cx.RequestTimeout, errors.Transient),
        (cx.ExchangeNotAvailable, errors.Transient),
        (cx.OnMaintenance, errors.Transient),
        (cx.BadResponse, errors.Malformed),
        (cx.NullResponse, errors.Malformed),
        (cx.NotSupported, errors.NotSupported),
        (cx.BadSymbol, errors.NotSupported),
        (cx.InsufficientFunds, errors.ExchangeRefused),
    ],
)
def test_translation_classes_and_message(ccxt_class: type, ours: type) -> None:
    error = translate(ccxt_class("boom"), "bybit", "main")
    assert type(error) is ours
    assert "bybit account 'main'" in str(error) and ccxt_class.__name__ in str(error)


def test_plain_parse_errors_are_malformed() -> None:
    assert type(translate(ValueError("invalid literal"), "okx", "a")) is errors.Malformed


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "2.5"}, 2.5),
        ({"Retry-After": "Thu, 01 Jan 1970 00:01:40 GMT"}, 40.0),  # now = 60
        ({"Retry-After": "soon"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after(headers: dict[str, str] | None, expected: float | None) -> None:
    assert errors.retry_after_seconds(headers, now=60.0) == expected


def test_rate_limit_through_real_ccxt_carries_retry_after() -> None:
    """A 429 from a local HTTP server: ccxt raises, we map it to Transient with Retry-After."""
    from aiohttp import web

    async def run() -> Transient:
        async def limited(_request: web.Request) -> web.Response:
            return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "12"})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", limited)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        settings = ExchangeSettings("bybit", api_url=f"http://127.0.0.1:{port}")
        reader = ExchangeReader(settings, KEYS, account_name="main", enable_rate_limit=False)
        try:
            with pytest.raises(Transient) as caught:
                await reader.fetch(now=0.0)
            return caught.value
        finally:
            await reader.close()
            await runner.cleanup()

    error = asyncio.run(run())
    assert error.retry_after == 12.0
    assert "bybit account 'main'" in str(error)
