"""The exchanges the monitor can read, from ccxt's static metadata (no network)."""

from __future__ import annotations

from monitor.contracts import ExchangeInfo
from monitor.sources.exchange.build import ADDRESS_ONLY, SUPPORTED
from monitor.sources.exchange.verified import VERIFIED, is_verified

__all__ = ["VERIFIED", "is_verified", "supported_exchanges"]


def supported_exchanges() -> list[ExchangeInfo]:
    """Only exchanges with a tested normaliser: any other would fail at its first poll."""
    import ccxt

    out = []
    for exchange_id in SUPPORTED:
        described = getattr(ccxt, exchange_id)().describe()
        wanted = described.get("requiredCredentials", {})
        keys = tuple(k for k in ("apiKey", "secret", "password", "walletAddress") if wanted.get(k))
        if exchange_id in ADDRESS_ONLY:
            keys = ("walletAddress",)  # read by address alone: never a key that can sign
        out.append(
            ExchangeInfo(
                exchange_id=exchange_id,
                name=str(described.get("name", exchange_id)),
                credentials=keys,
                has_sandbox="test" in described.get("urls", {}),
            )
        )
    return out
