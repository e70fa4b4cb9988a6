"""ccxt.pro's binanceusdm pointed at the simulated venue's streams (and its REST API).

ccxt.pro builds every USDⓈ-M stream URL from `exchange.urls['api']['ws']['linear']`
("wss://fstream.binance.com/ws" on Binance): mark prices at <linear minus /ws>/market/ws/<n>
then SUBSCRIBE, the user data stream at .../private/ws?listenKey=<key> after
POST /fapi/v1/listenKey on the REST side. Every other websocket API (spot, inverse, options,
papi, the ws-api trading endpoints) is pointed at <ws base>/unsupported/<name>, which the venue
refuses with a 404, so a stray call fails at this host instead of reaching binance.com.

Point REST first: `point_binanceusdm_at` rewrites every entry of urls['api'], 'ws' included.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import ccxt.pro as ccxt_pro

from monitor.sources.sim.client import DEFAULT_TIMEOUT_MS, USDM_OPTIONS, point_binanceusdm_at


def _clean_ws_base(ws_url: str) -> str:
    parts = urlsplit(ws_url)
    if parts.scheme not in ("ws", "wss") or not parts.netloc or parts.query:
        raise ValueError(f"ws_url must be like ws://127.0.0.1:8766, got {ws_url!r}")
    return ws_url.rstrip("/")


def point_binanceusdm_ws_at(exchange: Any, ws_url: str) -> Any:
    """Send every stream of a ccxt.pro binanceusdm to `ws_url`; returns it."""
    base = _clean_ws_base(ws_url)
    template = exchange.describe()["urls"]["api"]["ws"]
    ws: dict[str, Any] = {}
    for name, url in template.items():
        if isinstance(url, dict):
            ws[name] = {sub: f"{base}/unsupported/{name}-{sub}" for sub in url}
        else:
            ws[name] = f"{base}/ws" if name == "linear" else f"{base}/unsupported/{name}"
    exchange.urls = {**exchange.urls, "api": {**exchange.urls["api"], "ws": ws}}
    return exchange


def pro_binanceusdm_at(
    api_url: str,
    ws_url: str,
    api_key: str = "",
    secret: str = "",
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    enable_rate_limit: bool = True,
) -> ccxt_pro.binanceusdm:
    """A ccxt.pro binanceusdm on the venue's REST `api_url` and streams `ws_url`; the caller
    must `await exchange.close()`."""
    exchange = ccxt_pro.binanceusdm(
        {
            "apiKey": api_key,
            "secret": secret,
            "timeout": timeout_ms,
            "enableRateLimit": enable_rate_limit,
            "options": dict(USDM_OPTIONS),
        }
    )
    point_binanceusdm_at(exchange, api_url)
    return point_binanceusdm_ws_at(exchange, ws_url)
