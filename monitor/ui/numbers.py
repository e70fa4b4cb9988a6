"""Numbers as a trader types them, the app's own display format included.

Whatever `formatting` prints reads back to the number printed: "5,000", "3,150.5", "1e+09",
"0.5 %". A comma is a thousands separator only (groups of three): "0,5" is refused rather than
read as 5 or as 0.5, since either guess could be wrong by a factor of ten or more.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from monitor.ui.formatting import UNKNOWN

_EXPONENT = r"([eE][+-]?\d+)?"
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?" + _EXPONENT)
_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)" + _EXPONENT)


class NumberError(ValueError):
    """Why a text is not a number, in words that follow the field's name."""


def _decimal(text: str) -> Decimal:
    s = text.strip().replace("\u2212", "-").replace("\u202f", "").replace("\u00a0", "")
    if not s:
        raise NumberError("must not be empty")
    if s == UNKNOWN:
        raise NumberError("is unknown (—): type a number")
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise NumberError(
                f"'{text.strip()}': a comma only separates thousands (5,000 or 3,150.5); "
                "decimals take a point"
            )
        s = s.replace(",", "")
    elif not _PLAIN.fullmatch(s):
        raise NumberError(f"must be a number, got '{text.strip()}'")
    try:
        value = Decimal(s)
    except InvalidOperation:  # the patterns admit only decimals; kept as a backstop
        raise NumberError(f"must be a number, got '{text.strip()}'") from None
    if not math.isfinite(float(value)):
        raise NumberError(f"is too large, got '{text.strip()}'")
    return value


def parse_number(text: str) -> float:
    """A number as typed or as displayed ("5,000" -> 5000.0)."""
    return float(_decimal(text))


def parse_percent(text: str) -> float:
    """A rate typed in percent, the unit optional: "0.5", "0.5%", "0.5 %" -> 0.005.

    The decimal point is shifted exactly (Decimal), so "0.5" gives the float nearest 0.005,
    the same float as the literal 0.005."""
    stripped = text.strip()
    if stripped.endswith("%"):
        stripped = stripped[:-1]
    return float(_decimal(stripped).scaleb(-2))


def percent_text(rate: float | None) -> str:
    """A rate for a percent field, without the unit (the field shows it): 0.005 -> "0.5"."""
    if rate is None or not math.isfinite(rate):
        return ""
    shifted = Decimal(repr(rate)).scaleb(2).normalize()
    return format(shifted, "f")


def number_text(value: float | None) -> str:
    """A number for an input field: its exact digits, no exponent, no grouping (both read)."""
    if value is None or not math.isfinite(value):
        return ""
    return format(Decimal(repr(value)).normalize(), "f")
