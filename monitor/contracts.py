"""What the sources, the service and the front ends all speak of when they name an exchange
account: kept below all of them, so that the sources never import the service."""

from __future__ import annotations

from dataclasses import dataclass

# An account's refresh interval, in seconds: faster than once a second would eat the venues'
# request limits; slower than five minutes is not monitoring.
MIN_INTERVAL, MAX_INTERVAL = 1.0, 300.0


def interval_problem(value: float | None) -> str | None:
    """Why `value` is no refresh interval, or None when it is one (None: not given)."""
    if value is None or MIN_INTERVAL <= value <= MAX_INTERVAL:
        return None
    bounds = f"{MIN_INTERVAL:g} to {MAX_INTERVAL:g} seconds"
    return f"the refresh interval must be {bounds}, got {value:g}"


@dataclass(frozen=True)
class ExchangeSettings:
    exchange_id: str  # ccxt id, e.g. "binanceusdm"
    sandbox: bool = False
    api_url: str | None = None  # optional REST base URL override (the simulated venue uses it)
    wallet_address: str | None = None  # Hyperliquid: read by address alone


@dataclass(frozen=True)
class Credentials:
    api_key: str = ""
    secret: str = ""
    password: str = ""


@dataclass(frozen=True)
class ExchangeInfo:
    """An exchange the monitor can read, and which credentials it asks for."""

    exchange_id: str
    name: str
    credentials: tuple[str, ...]  # ccxt keys: "apiKey", "secret", "password", "walletAddress"
    has_sandbox: bool
