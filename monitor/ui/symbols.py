"""A symbol typed in the position dialog, resolved to a market's unified symbol or refused.

A venue's own spelling ("ETHUSDT", "ETH-USDT-SWAP", "eth/usdt") becomes the unified symbol
("ETH/USDT:USDT") when exactly one market of the list reads that way; several readings, or
none, are refused with the reason, so a typo never becomes a position the venue cannot price.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# BASE/QUOTE:SETTLE, optionally -EXPIRY...: ccxt's unified form of a derivative.
_UNIFIED = re.compile(r"[A-Z0-9.]+/[A-Z0-9]+:[A-Z0-9]+(-[A-Z0-9-]+)?")
# Without a market list, a perpetual named BASE+QUOTE settles in the quote for these quotes
# (a linear contract); "BTCUSD" could be linear or inverse and is left to the trader.
_LINEAR_QUOTES = ("USDT", "USDC")


@dataclass(frozen=True)
class Resolved:
    symbol: str
    typed: str  # what the trader typed ("" when it was the symbol itself)


@dataclass(frozen=True)
class Refused:
    message: str


def _key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _spellings(symbol: str) -> set[str]:
    """The keys a market's unified symbol answers to: itself, BASE+QUOTE (Binance, Bybit),
    BASE-QUOTE-SWAP (OKX), BASE+QUOTE+PERP."""
    base_quote, _, settle = symbol.partition(":")
    base, _, quote = base_quote.partition("/")
    keys = {_key(symbol)}
    if "-" not in settle:  # a perpetual; a dated future answers to its full name only
        keys |= {_key(base_quote), _key(base + quote + "SWAP"), _key(base + quote + "PERP")}
    return keys


def resolve_symbol(
    text: str, markets: Collection[str], venue: str | None = None, *, complete: bool = True
) -> Resolved | Refused:
    """`markets`: the venue's whole list (`complete`), or only the markets an account holds
    (a manual account without a venue): then a symbol outside them may still be written
    in the unified form."""
    typed = text.strip()
    if not typed:
        return Refused("must not be empty: choose a market")
    if typed in markets:
        return Resolved(typed, "")
    where = venue or "the venue"
    if markets:  # the list's own spellings first
        key = _key(typed)
        matches = sorted(m for m in markets if key in _spellings(m))
        if len(matches) == 1:
            return Resolved(matches[0], typed)
        if matches:
            return Refused(f"'{typed}' could be {' or '.join(matches)}: choose one from the list")
        if complete:
            return Refused(f"'{typed}' is not a market of {where}: choose one from the list")
    if _UNIFIED.fullmatch(typed):
        return Resolved(typed, "")
    upper = typed.upper()
    if _UNIFIED.fullmatch(upper):
        return Resolved(upper, typed)
    bare = _key(typed)
    for quote in _LINEAR_QUOTES:
        if bare.endswith(quote) and len(bare) > len(quote):
            return Resolved(f"{bare[: -len(quote)]}/{quote}:{quote}", typed)
    return Refused(
        f"'{typed}' is not a unified symbol: write it as BASE/QUOTE:SETTLE, "
        "e.g. ETH/USDT:USDT (linear) or BTC/USD:BTC (inverse)"
    )


@dataclass(frozen=True)
class MarketList:
    """The markets a position dialog offers: the account's own (with their marks) and, once
    loaded, every perpetual of its venue (with theirs)."""

    held: Mapping[str, float]
    venue_marks: Mapping[str, float]
    venue: str | None = None

    def symbols(self) -> list[str]:
        return sorted(set(self.held) | set(self.venue_marks))

    def resolve(self, text: str) -> Resolved | Refused:
        # The venue's list, once loaded, is the whole choice; before it (or without a venue)
        # the account's own markets guide and a unified symbol is taken as written.
        complete = bool(self.venue_marks)
        return resolve_symbol(text, self.symbols(), self.venue, complete=complete)

    def reference_mark(self, symbol: str) -> float | None:
        """The market's mark to check a typed one against: the venue's, else the held one."""
        return self.venue_marks.get(symbol, self.held.get(symbol))
