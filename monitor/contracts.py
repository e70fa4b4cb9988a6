"""What the sources, the service and the front ends all speak of when they name an exchange
account: kept below all of them, so that the sources never import the service."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# An account's refresh interval, in seconds: faster than once a second would eat the venues'
# request limits; slower than five minutes is not monitoring.
MIN_INTERVAL, MAX_INTERVAL = 1.0, 300.0


# Seconds between an account's reads unless it says: a venue's positions every 2 s (a fast crash
# moves 0.2 % in that time), a manual book's marks every 5 s.
DEFAULT_INTERVAL = 2.0
MANUAL_INTERVAL = 5.0


def configured_interval(kind: str, settings: Mapping[str, Any]) -> float:
    """The account's own refresh interval, else its kind's default."""
    explicit = settings.get("interval")
    if explicit is not None:
        return float(explicit)
    return MANUAL_INTERVAL if kind == "manual" else DEFAULT_INTERVAL


def interval_problem(value: float | None) -> str | None:
    """Why `value` is no refresh interval, or None when it is one (None: not given)."""
    if value is None or MIN_INTERVAL <= value <= MAX_INTERVAL:
        return None
    bounds = f"{MIN_INTERVAL:g} to {MAX_INTERVAL:g} seconds"
    return f"the refresh interval must be {bounds}, got {value:g}"


_SECURE = {"http": "https", "ws": "wss"}


def endpoint_problem(url: str | None, flag: str = "--api-url") -> str | None:
    """Why the app must not send an account's requests to `url`, or None. Keys and signed
    requests travel to it: encrypted (https://, wss://), or in the clear only to this machine
    (the simulated venues, a local proxy)."""
    if url is None:
        return None
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not host or scheme not in (*_SECURE, *_SECURE.values()):
        return f"{flag} must be an https:// or wss:// URL with a host, got {url!r}"
    if scheme in _SECURE and not _loopback(host):
        return (
            f"{flag}: plain {scheme}:// sends the API key unencrypted; use "
            f"{_SECURE[scheme]}://{host}… (plain {scheme}:// only to this machine)"
        )
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ExchangeSettings:
    exchange_id: str  # ccxt id, e.g. "binanceusdm"
    sandbox: bool = False
    api_url: str | None = None  # optional REST base URL override (the simulated venue uses it)
    wallet_address: str | None = None  # Hyperliquid: read by address alone


@dataclass(frozen=True)
class Credentials:
    api_key: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    def __repr__(self) -> str:
        """Which parts are set, never their values: a repr ends up in logs and tracebacks."""
        given = [n for n in ("api_key", "secret", "password") if getattr(self, n)]
        return f"Credentials({', '.join(f'{n}=…' for n in given)})"


@dataclass(frozen=True)
class ExchangeInfo:
    """An exchange the monitor can read, and which credentials it asks for."""

    exchange_id: str
    name: str
    credentials: tuple[str, ...]  # ccxt keys: "apiKey", "secret", "password", "walletAddress"
    has_sandbox: bool
