"""Bybit v5 request authentication, checked the way the venue documents it.

docs/v5/guide "Authentication": headers X-BAPI-API-KEY, X-BAPI-TIMESTAMP (ms),
X-BAPI-SIGN and X-BAPI-RECV-WINDOW (default 5000); for GET the signed string is
timestamp + apiKey + recvWindow + queryString, signed with HMAC_SHA256 and written as
lowercase hex; the timestamp must satisfy server_time − recv_window <= timestamp <
server_time + 1000.

Errors come back as Bybit's envelope {"retCode", "retMsg", "result": {}, "retExtInfo": {},
"time"} (docs/v5/error, UTA table): 10003 "API key is invalid.", 10004 a bad signature,
10002 a timestamp outside the window, 10001 a parameter error, 10017 an unknown route. As
Bybit answers these with HTTP 200 and the code in the body (ccxt maps 10003/10004 to
AuthenticationError, 10002 to InvalidNonce, 10001/10017 to BadRequest), so does this venue;
an unknown route gets HTTP 404 (docs: "404 Cannot find path") with the 10017 body.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_RECV_WINDOW_MS = 5_000
MAX_AHEAD_MS = 1_000


@dataclass(frozen=True)
class BybitError(Exception):
    ret_code: int
    ret_msg: str
    status: int = 200


INVALID_KEY = BybitError(10003, "API key is invalid.")


def sign(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def check_signed(
    headers: Mapping[str, str], raw_query: str, secrets: Mapping[str, str], now_ms: int
) -> str:
    """The caller's API key if the GET request is properly signed; else raise BybitError."""
    api_key = headers.get("X-BAPI-API-KEY") or ""
    if api_key not in secrets:
        raise INVALID_KEY
    stamp = headers.get("X-BAPI-TIMESTAMP") or ""
    window_text = headers.get("X-BAPI-RECV-WINDOW") or str(DEFAULT_RECV_WINDOW_MS)
    try:
        timestamp, window = int(stamp), int(window_text)
    except ValueError:
        raise BybitError(10001, "params error: X-BAPI-TIMESTAMP/X-BAPI-RECV-WINDOW") from None
    if not now_ms - window <= timestamp < now_ms + MAX_AHEAD_MS:
        raise BybitError(
            10002,
            "invalid request, please check your server timestamp or recv_window param. "
            f"req_timestamp[{timestamp}],server_timestamp[{now_ms}],recv_window[{window}]",
        )
    origin = f"{stamp}{api_key}{window_text}{raw_query}"
    given = (headers.get("X-BAPI-SIGN") or "").lower()
    if not hmac.compare_digest(sign(origin, secrets[api_key]), given):
        raise BybitError(10004, f"error sign! origin_string[{origin}]")
    return api_key


# -- the private websocket --------------------------------------------------------------------

WS_AUTH_PREFIX = (
    "GET/realtime"  # docs/v5/ws/connect: signature = HMAC_SHA256(secret, this + expires)
)


def check_ws_auth(args: object, secrets: Mapping[str, str], now_ms: int) -> str | None:
    """The API key an `auth` op proves, or None. docs/v5/ws/connect: args are [api_key,
    expires, signature]; expires (ms) "is greater than your current timestamp"; the signature is
    hex HMAC_SHA256(secret, "GET/realtime" + expires)."""
    if not isinstance(args, list) or len(args) != 3:
        return None
    api_key, expires, signature = args
    if not isinstance(api_key, str) or not isinstance(signature, str):
        return None
    if isinstance(expires, bool) or not isinstance(expires, int | str):
        return None
    text = str(expires)
    if not text.isdigit() or int(text) <= now_ms:
        return None
    secret = secrets.get(api_key)
    if secret is None:
        return None
    if not hmac.compare_digest(sign(WS_AUTH_PREFIX + text, secret), signature.lower()):
        return None
    return api_key
