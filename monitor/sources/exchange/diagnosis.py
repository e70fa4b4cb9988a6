"""What failed when an account was tried, in words a trader acts on, and which field is at fault.

`translate` (errors.py) sorts a failure into what the *service* does next (retry, stop the
account); testing a new account needs more: the trader must know whether to fix the API URL,
the key, the secret, the key's permissions or this computer's clock. ccxt's class says part
of it, the venue's own error code the rest (ccxt files Binance's -1002 and -2017 under plain
AuthenticationError / ExchangeError). The sentence never carries the library's text, a URL's
query string (a signature) nor any secret: only the venue's host and, at most, the venue's
own short message.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from ccxt.base import errors as cx

from monitor.sources.exchange.errors import AuthFailed, NotSupported, PermissionDenied


@dataclass(frozen=True)
class Diagnosis:
    # The dialog's field at fault: "api_url", "apiKey", "secret", "password", "walletAddress",
    # "exchange" (the venue itself: maintenance, down), "clock" (this computer), or None.
    field: str | None
    sentence: str


# Venue error codes that say more than ccxt's class, by what the trader must fix.
_KEY, _SECRET, _PASSPHRASE, _PERMISSION, _IP, _CLOCK = (
    "key",
    "secret",
    "passphrase",
    "permission",
    "ip",
    "clock",
)
_CODES: dict[str, str] = {
    # Binance (USDⓈ-M / COIN-M)
    "-2014": _KEY,  # API-key format invalid
    "-2015": _KEY,  # Invalid API-key, IP, or permissions for action
    "-1022": _SECRET,  # Signature for this request is not valid
    "-1021": _CLOCK,  # Timestamp for this request is outside of the recvWindow
    "-1002": _PERMISSION,  # You are not authorized to execute this request
    "-2017": _PERMISSION,  # API Keys are locked on this account
    "-1005": _IP,  # No such IP has been white listed
    "-1011": _IP,  # This IP cannot access this route
    # Bybit v5
    "10003": _KEY,  # API key is invalid
    "10004": _SECRET,  # error sign
    "10005": _PERMISSION,  # permission denied for current apikey
    "10002": _CLOCK,  # request expired: timestamp and recv_window
    "10010": _IP,  # unmatched IP
    # OKX
    "50111": _KEY,  # Invalid OK-ACCESS-KEY
    "50113": _SECRET,  # Invalid signature
    "50105": _PASSPHRASE,  # Invalid OK-ACCESS-PASSPHRASE
    "50102": _CLOCK,  # Timestamp request expired
    "50112": _CLOCK,  # Invalid OK-ACCESS-TIMESTAMP
    "50110": _IP,  # IP not in the key's whitelist
}
_CODE = re.compile(r'"(?:code|retCode)"\s*:\s*"?(-?\d+)')
_MSG = re.compile(r'"(?:msg|retMsg)"\s*:\s*"([^"]{1,160})"')


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _where(exchange_id: str, api_url: str | None, failures: list[BaseException]) -> str:
    """The venue's host (and port), from the connection error or the URL typed; no path."""
    for exc in failures:
        host, port = getattr(exc, "host", None), getattr(exc, "port", None)
        if isinstance(host, str) and host:
            return f"{host}:{port}" if port else host
    if api_url:
        return urlsplit(api_url).netloc or api_url
    return f"{exchange_id}'s servers"


def _venue_code(text: str) -> tuple[str | None, str | None]:
    code = _CODE.search(text)
    msg = _MSG.search(text)
    return (code.group(1) if code else None, msg.group(1) if msg else None)


def _by_code(kind: str, venue: str, code: str) -> Diagnosis:
    if kind == _KEY:
        # Binance answers -2015 alike for a wrong key, a foreign IP and a missing permission.
        also = (
            " Binance gives the same answer when this computer's IP is not on the key's "
            "allow-list or the key may not read futures."
            if code.startswith("-")
            else ""
        )
        return Diagnosis(
            "apiKey",
            f"Wrong API key: {venue} does not accept it (code {code}). Check the key was "
            f"copied whole.{also}",
        )
    if kind == _SECRET:
        return Diagnosis(
            "secret",
            f"Wrong secret: {venue} knows the API key but the request's signature does not "
            f"match it (code {code}). Paste the secret that belongs to this key.",
        )
    if kind == _PASSPHRASE:
        return Diagnosis(
            "password",
            f"Wrong passphrase: {venue} refused the key's passphrase (code {code}).",
        )
    if kind == _PERMISSION:
        return Diagnosis(
            "apiKey",
            f"No permission: the key is valid but may not read this account on {venue} (code "
            f"{code}). Enable reading (e.g. “Enable Futures” / read-only) for this key.",
        )
    if kind == _IP:
        return Diagnosis(
            "apiKey",
            f"No permission from this computer: {venue} allows the key only from other IP "
            f"addresses (code {code}). Add this computer's IP to the key's allow-list.",
        )
    return _clock(venue, code)


def _clock(venue: str, code: str | None) -> Diagnosis:
    return Diagnosis(
        "clock",
        f"Clock skew: this computer's clock differs from {venue}'s, so signed requests arrive "
        f"outside the venue's receive window{f' (code {code})' if code else ''}. Turn on "
        "automatic time (NTP) and test again.",
    )


def diagnose(exc: BaseException, exchange_id: str, api_url: str | None = None) -> Diagnosis:
    """The trader's sentence for a failed connection test, and the field to show it beside."""
    failures = list(_chain(exc))
    venue = exchange_id or "the venue"
    library = next((e for e in failures if isinstance(e, cx.BaseError)), None)
    text = str(library) if library is not None else ""
    code, msg = _venue_code(text)
    if code is not None and code in _CODES:
        return _by_code(_CODES[code], venue, code)
    if isinstance(library, cx.InvalidNonce):
        return _clock(venue, code)
    if isinstance(library, cx.OnMaintenance):
        return Diagnosis(
            "exchange", f"{venue} is under maintenance: nothing is wrong here, test again later."
        )
    if isinstance(library, cx.PermissionDenied | cx.AccountNotEnabled):
        return _by_code(_PERMISSION, venue, code or "none")
    if isinstance(library, cx.AuthenticationError | cx.AccountSuspended):
        return _by_code(_KEY, venue, code or "none")
    if isinstance(library, cx.DDoSProtection):
        return Diagnosis(
            "exchange", f"{venue} is limiting requests from this computer: test again in a minute."
        )
    if isinstance(library, cx.RequestTimeout) or any(isinstance(e, TimeoutError) for e in failures):
        where = _where(exchange_id, api_url, failures)
        return Diagnosis(
            "api_url",
            f"Cannot reach the venue: {where} did not answer in time. Check the API URL, your "
            "network, a proxy or a firewall.",
        )
    if isinstance(library, cx.NetworkError):
        return _unreachable_or_down(venue, exchange_id, api_url, failures, text)
    if isinstance(library, cx.BadResponse | cx.NullResponse):
        return Diagnosis(
            "api_url",
            f"The answer was not {venue}'s API (not the data it sends): check the API URL.",
        )
    if isinstance(exc, AuthFailed | PermissionDenied | NotSupported) and library is None:
        return Diagnosis(_own_field(str(exc)), str(exc))  # our own words, never a secret
    if isinstance(exc, ValueError) and library is None:
        return Diagnosis("api_url", str(exc))  # the API URL refused before any request
    said = f": “{msg}”" if msg else ""
    coded = f" (code {code})" if code else ""
    return Diagnosis("exchange", f"{venue} refused the request{said}{coded}.")


def _unreachable_or_down(
    venue: str,
    exchange_id: str,
    api_url: str | None,
    failures: list[BaseException],
    text: str,
) -> Diagnosis:
    where = _where(exchange_id, api_url, failures)
    if any(isinstance(e, socket.gaierror) for e in failures) or any(
        type(e).__name__ == "ClientConnectorDNSError" for e in failures
    ):
        return Diagnosis(
            "api_url",
            f"Cannot reach the venue: the name {where} is not known (DNS). Check the API URL "
            "and your network.",
        )
    if any(isinstance(e, ConnectionRefusedError) for e in failures):
        return Diagnosis(
            "api_url",
            f"Cannot reach the venue: {where} refused the connection (nothing listens there). "
            "Check the API URL, your network or a firewall.",
        )
    if any(isinstance(e, OSError) for e in failures):
        return Diagnosis(
            "api_url",
            f"Cannot reach the venue at {where}: the connection failed. Check the API URL, your "
            "network, a proxy or a firewall.",
        )
    status = re.search(r"\b(5\d\d)\b", text)
    answered = f" answered HTTP {status.group(1)}" if status else " is not available"
    return Diagnosis(
        "exchange", f"{venue}{answered}: the venue is down or overloaded. Test again later."
    )


def _own_field(message: str) -> str | None:
    if "wallet address" in message:
        return "walletAddress"
    if "private key" in message:
        return "walletAddress"
    return None


# A connection test is run again by the trader; a watched account is retried by the app.
# The "test again" may close a sentence of its own ("… overloaded. Test again later.") or end
# one after a comma or a colon ("… nothing is wrong here, test again later."): cut with it.
_AGAIN = re.compile(r"[\s,:]*[Tt]est again( later| in a minute)?\.$")
_AND_AGAIN = re.compile(r" and test again\.$")


def status_sentence(exc: BaseException, exchange_id: str, api_url: str | None = None) -> str:
    """A watched account's failure for its status line: what failed and what to do, the
    diagnosis a connection test gives, told of an account the app keeps retrying."""
    sentence = diagnose(exc, exchange_id, api_url).sentence
    sentence = _AND_AGAIN.sub(".", sentence)
    if not _AGAIN.search(sentence):
        return sentence
    head = _AGAIN.sub("", sentence)
    return f"{head if head.endswith('.') else head + '.'} The app keeps retrying."
