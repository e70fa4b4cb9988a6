"""Which venues' rules the app reads as the venue computes them — apart from catalog.py so
that a window showing the stored book at start needs no ccxt import to say so."""

from __future__ import annotations

# Venues whose rules the app reads as the venue computes them, checked against the venue's
# recorded payloads and an independent stand-in of its documented rules. The others are read
# on a best-effort mapping of ccxt's fields and are shown as unverified.
VERIFIED = ("binanceusdm", "binancecoinm", "bybit", "okx", "hyperliquid")


def is_verified(exchange_id: str | None) -> bool:
    return exchange_id in VERIFIED
