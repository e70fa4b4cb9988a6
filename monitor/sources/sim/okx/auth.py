"""OKX's REST authentication, checked the way the real venue checks it.

"REST Authentication" (https://www.okx.com/docs-v5/en/#overview-rest-authentication): a private
request carries OK-ACCESS-KEY, OK-ACCESS-SIGN, OK-ACCESS-TIMESTAMP (ISO 8601 UTC with
milliseconds, within 30 s of server time, else 50102) and OK-ACCESS-PASSPHRASE; the sign is
Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)), a GET's query string
counting as part of requestPath. Error codes, HTTP status and messages are those of the API
error table ("Error Code", https://www.okx.com/docs-v5/en/#error-code-rest-api): an error answer
is {"msg": ..., "code": "5xxxx"}. The order in which OKX checks the headers is not documented;
ours: presence, key, timestamp, passphrase, signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

MAX_SKEW_MS = 30_000


@dataclass(frozen=True)
class OkxError(Exception):
    status: int
    code: str
    msg: str


@dataclass(frozen=True)
class Secret:
    secret: str
    passphrase: str


def missing(header: str, code: str) -> OkxError:
    return OkxError(401, code, f'Request header "{header}" cannot be empty.')


INVALID_KEY = OkxError(401, "50111", "Invalid OK-ACCESS-KEY.")
INVALID_TIMESTAMP = OkxError(401, "50112", "Invalid OK-ACCESS-TIMESTAMP.")
EXPIRED = OkxError(401, "50102", "Timestamp request expired.")
BAD_PASSPHRASE = OkxError(401, "50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.')
BAD_SIGNATURE = OkxError(401, "50113", "Invalid signature.")


def sign(secret: str, timestamp: str, method: str, request_path: str, body: str = "") -> str:
    prehash = timestamp + method.upper() + request_path + body
    digest = hmac.new(secret.encode(), prehash.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _timestamp_ms(text: str) -> int:
    if not text.endswith("Z"):
        raise INVALID_TIMESTAMP
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        raise INVALID_TIMESTAMP from None
    return int(moment.timestamp() * 1000)


def check_signed(
    headers: Mapping[str, str],
    method: str,
    request_path: str,
    body: str,
    secrets: Mapping[str, Secret],
    now_ms: int,
) -> str:
    """The caller's API key if the request is properly signed; else raise OkxError."""
    key = headers.get("OK-ACCESS-KEY") or ""
    passphrase = headers.get("OK-ACCESS-PASSPHRASE") or ""
    signature = headers.get("OK-ACCESS-SIGN") or ""
    timestamp = headers.get("OK-ACCESS-TIMESTAMP") or ""
    if not key:
        raise missing("OK-ACCESS-KEY", "50103")
    if not passphrase:
        raise missing("OK-ACCESS-PASSPHRASE", "50104")
    if not signature:
        raise missing("OK-ACCESS-SIGN", "50106")
    if not timestamp:
        raise missing("OK-ACCESS-TIMESTAMP", "50107")
    held = secrets.get(key)
    if held is None:
        raise INVALID_KEY
    if abs(_timestamp_ms(timestamp) - now_ms) > MAX_SKEW_MS:
        raise EXPIRED
    if not hmac.compare_digest(passphrase, held.passphrase):
        raise BAD_PASSPHRASE
    expected = sign(held.secret, timestamp, method, request_path, body)
    if not hmac.compare_digest(expected, signature):
        raise BAD_SIGNATURE
    return key


# -- the private websocket --------------------------------------------------------------------
# "Login" (https://www.okx.com/docs-v5/en/#overview-websocket-login): args [{apiKey, passphrase,
# timestamp, sign}], timestamp in Unix seconds, sign = Base64(HMAC-SHA256(secret, timestamp +
# "GET" + "/users/self/verify")); "The request will expire 30 seconds after the timestamp".
# Codes and messages of the WebSocket error table ("Error Code", Public / General Class).

WS_VERIFY_PATH = "/users/self/verify"
WS_LOGIN_FIELDS = ("apiKey", "passphrase", "timestamp", "sign")


@dataclass(frozen=True)
class OkxWsError(Exception):
    code: str
    msg: str


WS_INVALID_TIMESTAMP = OkxWsError("60004", "Invalid timestamp")
WS_INVALID_KEY = OkxWsError("60005", "Invalid apiKey")
WS_EXPIRED = OkxWsError("60006", "Timestamp request expired")
WS_INVALID_SIGN = OkxWsError("60007", "Invalid sign")
WS_WRONG_PASSPHRASE = OkxWsError("60024", "Wrong passphrase")


def check_ws_login(arg: Mapping[str, object], secrets: Mapping[str, Secret], now_ms: int) -> str:
    """The API key a login arg proves; else raise OkxWsError. The order of the checks is not
    documented; ours: presence, key, timestamp, passphrase, signature (as for REST)."""
    for name in WS_LOGIN_FIELDS:
        if not isinstance(arg.get(name), str) or not arg.get(name):
            raise OkxWsError("60027", f"Parameter {name} can not be empty.")
    key, passphrase = str(arg["apiKey"]), str(arg["passphrase"])
    timestamp, signature = str(arg["timestamp"]), str(arg["sign"])
    held = secrets.get(key)
    if held is None:
        raise WS_INVALID_KEY
    try:
        seconds = float(timestamp)
    except ValueError:
        raise WS_INVALID_TIMESTAMP from None
    if not math.isfinite(seconds):
        raise WS_INVALID_TIMESTAMP
    if abs(seconds * 1000 - now_ms) > MAX_SKEW_MS:
        raise WS_EXPIRED
    if not hmac.compare_digest(passphrase, held.passphrase):
        raise WS_WRONG_PASSPHRASE
    if not hmac.compare_digest(sign(held.secret, timestamp, "GET", WS_VERIFY_PATH), signature):
        raise WS_INVALID_SIGN
    return key
