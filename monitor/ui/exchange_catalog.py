"""Which exchanges exist and which credentials each wants: ccxt's static metadata, no network.

Loaded off the UI thread (importing ccxt and describing ~100 exchanges takes about a second).
TODO(lead): this belongs in monitor.sources (e.g. `sources.catalog()`); the window only needs
a callable returning `list[ExchangeInfo]`, injected into MainWindow.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExchangeInfo:
    exchange_id: str
    name: str
    credentials: tuple[str, ...]  # ccxt keys: "apiKey", "secret", "password", "walletAddress"
    has_sandbox: bool


def ccxt_catalog() -> list[ExchangeInfo]:
    import ccxt  # imported here: heavy, and only on a worker thread

    out = []
    for exchange_id in ccxt.exchanges:
        try:
            described = getattr(ccxt, exchange_id)().describe()
        except Exception:  # one broken exchange class must not hide the others
            continue
        wanted = described.get("requiredCredentials", {})
        keys = tuple(k for k in ("apiKey", "secret", "password", "walletAddress") if wanted.get(k))
        urls = described.get("urls", {})
        out.append(
            ExchangeInfo(
                exchange_id=exchange_id,
                name=str(described.get("name", exchange_id)),
                credentials=keys,
                has_sandbox="test" in urls,
            )
        )
    return out
