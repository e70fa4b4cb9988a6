"""Binance's request signing, checked the way the real venue checks it.

A signed request carries X-MBX-APIKEY and a query string ending in
`&signature=<hex HMAC-SHA256 of everything before it, keyed with the secret>`, with a
`timestamp` (ms) that must fall within `recvWindow` (default 5000 ms) of the server clock.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

DEFAULT_RECV_WINDOW_MS = 5_000
# Binance accepts a client clock up to 1 s ahead of its own.
MAX_AHEAD_MS = 1_000


@dataclass(frozen=True)
class ApiError(Exception):
    """An error the way Binance sends it: HTTP status plus {"code": ..., "msg": ...}."""

    status: int
    code: int
    msg: str


INVALID_KEY = ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.")
BAD_SIGNATURE = ApiError(400, -1022, "Signature for this request is not valid.")


def sign(query: str, secret: str) -> str:
    return hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()


def check_signed(
    raw_query: str, api_key: str | None, secrets: Mapping[str, str], now_ms: int
) -> str:
    """The caller's API key if the request is properly signed; else raise ApiError."""
    if not api_key or api_key not in secrets:
        raise INVALID_KEY
    payload, sep, signature = raw_query.rpartition("&signature=")
    if not sep:
        if raw_query.startswith("signature="):
            payload, signature = "", raw_query.removeprefix("signature=")
        else:
            raise ApiError(
                400,
                -1102,
                "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
            )
    expected = sign(payload, secrets[api_key])
    if not hmac.compare_digest(expected, signature.lower()):
        raise BAD_SIGNATURE
    params = parse_qs(payload)
    try:
        timestamp = int(params["timestamp"][0])
    except (KeyError, ValueError):
        raise ApiError(
            400,
            -1102,
            "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
        ) from None
    try:
        window = int(params.get("recvWindow", [str(DEFAULT_RECV_WINDOW_MS)])[0])
    except ValueError:
        raise ApiError(400, -1100, "Illegal characters found in parameter 'recvWindow'.") from None
    if timestamp > now_ms + MAX_AHEAD_MS or now_ms - timestamp > window:
        raise ApiError(400, -1021, "Timestamp for this request is outside of the recvWindow.")
    return api_key
