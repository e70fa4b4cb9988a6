"""Our small set of source errors, and the mapping from every ccxt exception class onto them.

The service only needs to know what to *do* about a failure (retry later, stop the account until
the trader fixes credentials, show a data error), so ccxt's ~40 classes collapse to a handful.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping

from ccxt.base import errors as cx


class SourceError(Exception):
    """Base of every error an exchange source raises; the message names exchange and account."""


class AuthFailed(SourceError):
    """Credentials rejected or account suspended: stop polling this account until fixed."""


class PermissionDenied(SourceError):
    """The key works but lacks a read permission (or the account/region is not enabled)."""


class Transient(SourceError):
    """Network trouble, rate limits, maintenance: retry later (after `retry_after` s when known)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Malformed(SourceError):
    """The venue's answer could not be understood (bad JSON, missing or non-numeric fields)."""


class NotSupported(SourceError):
    """The venue or this configuration cannot do what was asked (unknown market, missing API)."""


class ExchangeRefused(SourceError):
    """The venue answered with an error we have no better class for."""


class ReadOnlyViolation(SourceError):
    """Something tried to place, cancel, move or sign a write: refused before any request."""


# Every class in ccxt.base.errors, mapped explicitly (a test walks the tree and checks that
# none is missing, so a new ccxt class forces a decision here instead of silently falling back).
CCXT_ERROR_MAP: dict[type[BaseException], type[SourceError]] = {
    cx.BaseError: ExchangeRefused,
    cx.ExchangeError: ExchangeRefused,
    cx.AuthenticationError: AuthFailed,
    cx.PermissionDenied: PermissionDenied,
    cx.AccountNotEnabled: PermissionDenied,
    cx.AccountSuspended: AuthFailed,
    cx.ArgumentsRequired: NotSupported,
    cx.BadRequest: ExchangeRefused,
    cx.BadSymbol: NotSupported,
    cx.OperationRejected: ExchangeRefused,
    cx.NoChange: ExchangeRefused,
    cx.MarginModeAlreadySet: ExchangeRefused,
    cx.MarketClosed: ExchangeRefused,
    cx.ManualInteractionNeeded: PermissionDenied,
    cx.RestrictedLocation: PermissionDenied,
    cx.InsufficientFunds: ExchangeRefused,
    cx.InvalidAddress: ExchangeRefused,
    cx.AddressPending: ExchangeRefused,
    cx.InvalidOrder: ExchangeRefused,
    cx.OrderNotFound: ExchangeRefused,
    cx.OrderNotCached: ExchangeRefused,
    cx.OrderImmediatelyFillable: ExchangeRefused,
    cx.OrderNotFillable: ExchangeRefused,
    cx.DuplicateOrderId: ExchangeRefused,
    cx.ContractUnavailable: NotSupported,
    cx.NotSupported: NotSupported,
    cx.InvalidProxySettings: NotSupported,
    cx.ExchangeClosedByUser: Transient,
    cx.OperationFailed: Transient,
    cx.NetworkError: Transient,
    cx.DDoSProtection: Transient,
    cx.RateLimitExceeded: Transient,
    cx.ExchangeNotAvailable: Transient,
    cx.OnMaintenance: Transient,
    cx.InvalidNonce: Transient,  # clock skew / nonce race: the next poll re-signs
    cx.ChecksumError: Transient,
    cx.RequestTimeout: Transient,
    cx.BadResponse: Malformed,
    cx.NullResponse: Malformed,
    cx.CancelPending: Transient,
    cx.UnsubscribeError: ExchangeRefused,
}


def our_class_for(exc_type: type[BaseException]) -> type[SourceError]:
    """Nearest mapped ancestor in the MRO (a class newer than this table still lands somewhere)."""
    for klass in exc_type.__mro__:
        if klass in CCXT_ERROR_MAP:
            return CCXT_ERROR_MAP[klass]
    return ExchangeRefused


def retry_after_seconds(
    headers: Mapping[str, str] | None, now: float | None = None
) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), None if absent/garbled."""
    if not headers:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if seconds == seconds else None  # NaN -> None


_QUERY = re.compile(r"(https?://[^\s?]+)\?\S*")
_TAG = re.compile(r"<[^>]{0,200}>")
_LONG = 300


def clean_reason(text: str) -> str:
    """ccxt puts the request URL in its messages, query string and all: for a signed request
    that is a timestamp and a signature. Shown to the trader and stored, the reason keeps the
    URL's path only — no signature, and the same failure reads the same every time."""
    text = _QUERY.sub(r"\1", text)
    text = " ".join(_TAG.sub(" ", text).split())  # an HTML error page, down to its words
    return text if len(text) <= _LONG else text[: _LONG - 1] + "…"


def translate(
    exc: BaseException,
    exchange_id: str,
    account: str,
    response_headers: Mapping[str, str] | None = None,
) -> SourceError:
    """Our error for a ccxt (or already-ours) exception, with exchange and account in the text."""
    if isinstance(exc, SourceError):
        return exc
    # ccxt's own parsing raises plain ValueError/TypeError/KeyError on garbage numbers/shapes.
    if isinstance(exc, ValueError | TypeError | KeyError | IndexError | ArithmeticError):
        klass: type[SourceError] = Malformed
    else:
        klass = our_class_for(type(exc))
    message = f"{exchange_id} account {account!r}: {type(exc).__name__}: {clean_reason(str(exc))}"
    if klass is Transient:
        return Transient(message, retry_after_seconds(response_headers))
    return klass(message)
