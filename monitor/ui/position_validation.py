"""Validate one position with the portfolio format's own rules (no second copy of them).

TODO(lead): replace `_wrap` with a public `monitor.formats.portfolio.parse_position(raw,
source) -> Position` raising PortfolioError with a `.field` attribute, once it exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from monitor.domain.model import Position
from monitor.formats.portfolio import FORMAT, PortfolioError, parse_portfolio

_FIELD = re.compile(r"field '([^']+)'")


@dataclass(frozen=True)
class Invalid:
    field: str | None  # the portfolio-format key at fault, e.g. "contracts", "maintenance.rate"
    message: str


def _wrap(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "accounts": [{"name": "position", "wallet_balance": 0, "positions": [raw]}],
    }


def validate_position(raw: dict[str, Any]) -> Position | Invalid:
    try:
        (account,) = parse_portfolio(_wrap(raw), "position")
    except PortfolioError as exc:
        text = str(exc)
        match = _FIELD.search(text)
        # Keep only the problem itself: the file/account prefix means nothing in a dialog.
        problem = text.split(": ")[-1]
        return Invalid(match.group(1) if match else None, problem)
    return account.positions[0]
