"""Build a read-only ccxt (async) exchange instance for one account.

Hyperliquid is read by wallet address alone: ccxt's hyperliquid signs and posts actions (e.g.
builder-fee approval) once it holds a private key, so a key is refused here, never passed on.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any

import ccxt.async_support as ccxt_async

from monitor.contracts import Credentials, ExchangeSettings, endpoint_problem
from monitor.redact import guard_library_logs
from monitor.sources.exchange.errors import NotSupported, ReadOnlyViolation
from monitor.sources.exchange.readonly import make_read_only
from monitor.sources.sim.client import point_binanceusdm_at

SUPPORTED = ("binanceusdm", "binancecoinm", "bybit", "okx", "hyperliquid", "gate", "bitget", "dydx")
ADDRESS_ONLY = ("hyperliquid", "dydx")

# Options that keep ccxt from making requests we do not need (and could not replay).
BASE_OPTIONS: dict[str, dict[str, Any]] = {
    "bybit": {"enableUnifiedAccount": True, "enableUnifiedMargin": False},
    "hyperliquid": {"builderFee": False, "approvedBuilderFee": True},
}


guard_library_logs()  # ccxt logs requests, key headers included, at DEBUG


def point_at(exchange: Any, base_url: str) -> None:
    """Point every REST base URL of `exchange` at `base_url` (the simulated venue, a proxy).
    Refused (ValueError) where the key would travel unencrypted off this machine."""
    problem = endpoint_problem(base_url, "API URL")
    if problem:
        raise ValueError(problem)
    if exchange.id == "binanceusdm":
        point_binanceusdm_at(exchange, base_url)
        return
    base = base_url.rstrip("/")

    def rewrite(urls: Any) -> Any:
        if isinstance(urls, dict):
            return {k: rewrite(v) for k, v in urls.items()}
        if isinstance(urls, str) and urls.startswith("http"):
            scheme_host = "/".join(urls.split("/", 3)[:3])
            return base + urls[len(scheme_host) :]
        return urls

    exchange.urls["api"] = rewrite(exchange.urls["api"])


def build_exchange(
    settings: ExchangeSettings,
    credentials: Credentials,
    *,
    enable_rate_limit: bool = True,
    markets: dict[str, Any] | None = None,
    private_key: str | None = None,
) -> Any:
    """A guarded async ccxt instance; `private_key` exists only to be refused explicitly."""
    exchange_id = settings.exchange_id
    if exchange_id not in SUPPORTED:
        raise NotSupported(f"{exchange_id}: not a supported exchange ({', '.join(SUPPORTED)})")
    if private_key:
        raise ReadOnlyViolation(
            f"{exchange_id}: a private key was offered — Margin Monitor reads by wallet address "
            "only and never holds a signing key"
        )
    config: dict[str, Any] = {
        "enableRateLimit": enable_rate_limit,
        "options": dict(BASE_OPTIONS.get(exchange_id, {})),
    }
    if exchange_id in ADDRESS_ONLY:
        if not settings.wallet_address:
            raise NotSupported(f"{exchange_id}: a wallet address is required (--wallet ADDRESS)")
        config["walletAddress"] = settings.wallet_address
    else:
        config.update(
            apiKey=credentials.api_key, secret=credentials.secret, password=credentials.password
        )
    if markets is not None:
        config["markets"] = markets
    exchange = getattr(ccxt_async, exchange_id)(config)
    if settings.sandbox:
        exchange.set_sandbox_mode(True)
    if settings.api_url:
        point_at(exchange, settings.api_url)
    if exchange.verify and not exchange.safe_bool(exchange.options, "include_OS_certificates"):
        exchange.ssl_context = shared_ssl_context(exchange.cafile)
    return make_read_only(require_json(exchange))


_SSL_CONTEXTS: dict[str, ssl.SSLContext] = {}
_SSL_LOCK = threading.Lock()


def shared_ssl_context(cafile: str) -> ssl.SSLContext:
    """One verifying TLS context per CA file for the whole process. ccxt makes its own at
    each instance's first request: 27 ms of loading the CA bundle with the event loop
    stopped — twenty accounts taken over at once held every read up half a second or more."""
    with _SSL_LOCK:
        context = _SSL_CONTEXTS.get(cafile)
        if context is None:
            context = _SSL_CONTEXTS[cafile] = ssl.create_default_context(cafile=cafile)
        return context


def require_json(exchange: Any) -> Any:
    """Refuse an answer that is not JSON.

    ccxt hands back the raw text when a body does not parse (a truncated answer), and its
    parsers then read that text as "no positions" — which would wipe the book. Raising
    BadResponse here makes it a Malformed source error instead: nothing is applied.
    """
    original = exchange.fetch

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        result = await original(url, method, headers, body)
        if isinstance(result, str) and result.strip():
            path = url.split("?", 1)[0]
            raise ccxt_async.BadResponse(
                f"{exchange.id} {method} {path}: the answer is not valid JSON "
                f"({len(result)} bytes: {result[:40]!r}…)"
            )
        return result

    exchange.fetch = fetch
    return exchange


def build_public_exchange(
    exchange_id: str, api_url: str | None = None, *, enable_rate_limit: bool = True
) -> Any:
    """A keyless instance for a venue's public data (marks, candles, funding): read-only by
    construction. The placeholder wallet address satisfies the venues that ask for one."""
    settings = ExchangeSettings(exchange_id, api_url=api_url, wallet_address="public")
    return build_exchange(settings, Credentials(), enable_rate_limit=enable_rate_limit)
