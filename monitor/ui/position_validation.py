"""Validate one position with the portfolio format's own rules (no second copy of them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.domain.model import Position
from monitor.formats.portfolio import PortfolioError, parse_position


@dataclass(frozen=True)
class Invalid:
    field: str | None  # the portfolio-format key at fault, e.g. "contracts", "maintenance.rate"
    message: str


def validate_position(raw: dict[str, Any]) -> Position | Invalid:
    try:
        return parse_position(raw, "position")
    except PortfolioError as exc:
        # The problem alone: the source/position prefix means nothing inside a dialog.
        return Invalid(exc.field, exc.problem)
