"""What the sources, the service and the front ends all speak of when they name an exchange
account: kept below all of them, so that the sources never import the service."""

from __future__ import annotations

from dataclasses import dataclass


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
