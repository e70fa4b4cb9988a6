"""A market's name as its venue writes it (BTCUSDT on Binance, BTC-USDT-SWAP on OKX), from the
unified ccxt symbol the book carries ("BTC/USDT:USDT"; dated futures "BTC/USDT:USDT-250328").

The sources keep only the unified symbol, so the venue's id is re-stated here by each venue's
published naming; a symbol this does not know how to write (another venue, an unusual
market, a manual account without a venue) is shown as it is.
"""

from __future__ import annotations

import re

# base/quote:settle, optionally -expiry (YYMMDD)
_UNIFIED = re.compile(
    r"^(?P<base>[^/:]+)/(?P<quote>[^/:]+):(?P<settle>[^-]+)(?:-(?P<expiry>\d{6}))?$"
)


def _binance(base: str, quote: str, settle: str, expiry: str | None) -> str | None:
    inverse = settle == base
    if inverse:  # coin-margined: BTCUSD_PERP, BTCUSD_250328
        return f"{base}{quote}_{expiry or 'PERP'}"
    return f"{base}{quote}_{expiry}" if expiry else f"{base}{quote}"


def _bybit(base: str, quote: str, settle: str, expiry: str | None) -> str | None:
    if expiry:
        return None  # dated futures: BTC-28MAR25, written from the month's name
    if quote == "USDC" and settle == "USDC":
        return f"{base}PERP"  # Bybit's USDC perpetuals
    return f"{base}{quote}"


def _okx(base: str, quote: str, settle: str, expiry: str | None) -> str | None:
    return f"{base}-{quote}-{expiry or 'SWAP'}"


def _hyperliquid(base: str, quote: str, settle: str, expiry: str | None) -> str | None:
    return None if expiry else base  # its perpetuals are named by the coin


def _dydx(base: str, quote: str, settle: str, expiry: str | None) -> str | None:
    return None if expiry else f"{base}-{quote}"


_WRITERS = {
    "binance": _binance,
    "binanceusdm": _binance,
    "binancecoinm": _binance,
    "bybit": _bybit,
    "okx": _okx,
    "hyperliquid": _hyperliquid,
    "dydx": _dydx,
}


def venue_symbol(symbol: str, venue: str | None) -> str:
    """`symbol` as `venue` names the market; unchanged when it cannot say."""
    writer = _WRITERS.get((venue or "").lower())
    match = _UNIFIED.match(symbol)
    if writer is None or match is None:
        return symbol
    return writer(match["base"], match["quote"], match["settle"], match["expiry"]) or symbol
