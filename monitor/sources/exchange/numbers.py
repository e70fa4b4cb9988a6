"""Strict number parsing for venue payloads: a bad field is an error naming where it was."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from monitor.sources.exchange.errors import Malformed

# A liquidation price further than this factor from mark is a venue's "none" sentinel
# (Binance sends 0, Bybit "", others 1e15 or negative), never a price anyone can reach.
ABSURD_FACTOR = 1e4


def number(value: Any, where: str) -> float:
    """A finite float from a payload value, or Malformed naming `where` (venue/account/field)."""
    if isinstance(value, bool) or value is None or value == "":
        raise Malformed(f"{where}: missing number (got {value!r})")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise Malformed(f"{where}: not a number: {value!r}") from None
    if not math.isfinite(result):
        raise Malformed(f"{where}: not a finite number: {value!r}")
    return result


def optional_number(value: Any, where: str) -> float | None:
    """None for absent/empty values, else as `number`."""
    if value is None or value == "":
        return None
    return number(value, where)


def field(raw: Mapping[str, Any], key: str, where: str) -> float:
    return number(raw.get(key), f"{where} field {key!r}")


def liquidation_price(value: Any, mark: float) -> float | None:
    """The venue's liquidation price, or None for its many ways of saying 'none'.

    0, "", null, NaN, negative, or absurdly far from mark (e.g. 1e15) all mean no price
    liquidates the position; they must never be shown as a price.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        price = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(price) or price <= 0:
        return None
    if mark > 0 and not (mark / ABSURD_FACTOR <= price <= mark * ABSURD_FACTOR):
        return None
    return price
