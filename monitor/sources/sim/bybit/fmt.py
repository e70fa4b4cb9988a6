"""Numbers written the way Bybit v5 writes them: decimal strings.

Amounts carry up to 8 decimals without trailing zeros ("77.519375", "0.81072399" in the
recorded LTCUSDT position); prices on a market's price scale; sizes on its quantity step;
account rates cut to 4 decimals ("0.0006" for 54.31/90042.28, "0" for 7.39/90042.28 in the
recorded wallet-balance answer — chosen: truncation, which that answer is consistent with).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal


def amount(value: float, places: int = 8) -> str:
    text = format(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fixed(value: float, places: int) -> str:
    """`value` with exactly `places` decimals ("64000.10", "0.600")."""
    quantum = Decimal(1).scaleb(-places)
    return format(Decimal(repr(value)).quantize(quantum, ROUND_HALF_EVEN), "f")


def rate(value: float) -> str:
    return amount(float(Decimal(repr(value)).quantize(Decimal("0.0001"), ROUND_DOWN)), 4)
