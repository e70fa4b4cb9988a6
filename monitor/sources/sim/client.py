"""ccxt's binanceusdm pointed at another base URL: the simulated venue, or any host speaking
Binance USDⓈ-M's REST API (the exchange adapter's "api_url" setting uses the same override).

ccxt builds every request URL from `exchange.urls['api'][<api name>]`. binanceusdm's reads use
  fapiPublic    -> <base>/fapi/v1   exchangeInfo, premiumIndex, time, assetIndex
  fapiPrivate   -> <base>/fapi/v1   leverageBracket, positionSide/dual, multiAssetsMargin
  fapiPrivateV2 -> <base>/fapi/v2   account, positionRisk, balance (with useV2)
  fapiPrivateV3 -> <base>/fapi/v3   account (fetch_balance), positionRisk (fetch_positions)
  fapiPublicV2/V3 -> <base>/fapi/v2, /fapi/v3;  fapiData -> <base>/futures/data
Every other API name (spot, sapi, dapi, eapi, papi) is pointed at <base>/unsupported/<name>,
so a stray call fails loudly at that host instead of reaching binance.com.

Options: binanceusdm already defaults to fetchMarkets types ['linear'] (only
/fapi/v1/exchangeInfo), defaultType 'swap', defaultSubType 'linear'. `fetchCurrencies` must be
off: it defaults to on and, with keys set, load_markets() would call sapi capital/config/getall.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import ccxt
import ccxt.async_support as ccxt_async

FAPI_PATHS = {
    "fapiPublic": "/fapi/v1",
    "fapiPublicV2": "/fapi/v2",
    "fapiPublicV3": "/fapi/v3",
    "fapiPrivate": "/fapi/v1",
    "fapiPrivateV2": "/fapi/v2",
    "fapiPrivateV3": "/fapi/v3",
    "fapiData": "/futures/data",
}

# Reads of a USDⓈ-M account only: no spot, margin, coin-M or wallet endpoints.
USDM_OPTIONS: dict[str, Any] = {
    "fetchMarkets": {"types": ["linear"]},
    "fetchCurrencies": False,
    "defaultType": "swap",
    "defaultSubType": "linear",
}

DEFAULT_TIMEOUT_MS = 10_000


def _clean_base(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"api_url must be like http://127.0.0.1:8765, got {base_url!r}")
    return base_url.rstrip("/")


def point_binanceusdm_at(exchange: Any, base_url: str) -> Any:
    """Send every request of a (sync or async) ccxt binanceusdm to `base_url`; returns it."""
    base = _clean_base(base_url)
    api = dict(exchange.urls["api"])
    for name in api:
        api[name] = base + FAPI_PATHS[name] if name in FAPI_PATHS else f"{base}/unsupported/{name}"
    exchange.urls = {**exchange.urls, "api": api}
    exchange.options.update(USDM_OPTIONS)
    return exchange


def _config(api_key: str, secret: str, timeout_ms: int, enable_rate_limit: bool) -> dict[str, Any]:
    return {
        "apiKey": api_key,
        "secret": secret,
        "timeout": timeout_ms,
        "enableRateLimit": enable_rate_limit,
        "options": dict(USDM_OPTIONS),
    }


def binanceusdm_at(
    base_url: str,
    api_key: str,
    secret: str,
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    enable_rate_limit: bool = True,
) -> ccxt.binanceusdm:
    """A synchronous ccxt binanceusdm talking to `base_url` (tests pass enable_rate_limit=False)."""
    exchange = ccxt.binanceusdm(_config(api_key, secret, timeout_ms, enable_rate_limit))
    return point_binanceusdm_at(exchange, base_url)


def async_binanceusdm_at(
    base_url: str,
    api_key: str,
    secret: str,
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    enable_rate_limit: bool = True,
) -> ccxt_async.binanceusdm:
    """The asyncio variant; the caller must `await exchange.close()`."""
    exchange = ccxt_async.binanceusdm(_config(api_key, secret, timeout_ms, enable_rate_limit))
    return point_binanceusdm_at(exchange, base_url)
