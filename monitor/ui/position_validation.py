"""Validate one position with the portfolio format's own rules (no second copy of them), and
the sanity checks of a typed position: figures a venue would never show, refused or warned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.domain.model import Position
from monitor.formats.portfolio import PortfolioError, parse_position
from monitor.ui import formatting as fmt
from monitor.ui.numbers import percent_text


@dataclass(frozen=True)
class Invalid:
    field: str | None  # the portfolio-format key at fault, e.g. "contracts", "maintenance.rate"
    message: str


@dataclass(frozen=True)
class Warned:
    """A figure that is allowed but unlikely: shown beside the field, OK stays enabled."""

    field: str
    message: str


# A single maintenance rate: the large venues' first tiers are 0.4-2.5 %; 5 % and more is
# charged only on the top tiers of a very large position. A rate typed that high is far more
# often a slip of the unit (5 meaning 0.05 %) than a real rate, so it is warned, not refused
# (the trader may be modelling a top tier).
RATE_WARNING = 0.05
# A rate of 100 % or more leaves no margin above maintenance at any leverage: refused.
RATE_LIMIT = 1.0
# A typed mark this far (a fraction of the reference) from the venue's or the held mark is
# most likely a typo (an extra zero, a price of another market); a scenario far from the
# market is the stress chart's job. Warned, not refused: the venue's mark may be stale.
MARK_FAR = 0.25
# Without a reference, a mark this many times the entry (or below 1/this) is warned.
MARK_ENTRY_FACTOR = 10.0


def validate_position(raw: dict[str, Any]) -> Position | Invalid:
    try:
        position = parse_position(raw, "position")
    except PortfolioError as exc:
        # The problem alone: the source/position prefix means nothing inside a dialog.
        return Invalid(exc.field, exc.problem)
    rate = position.maintenance.tiers[0].rate if position.maintenance.kind == "rate" else None
    if rate is not None and rate >= RATE_LIMIT:
        return Invalid(
            "maintenance.rate",
            f"{percent_text(rate)} % leaves no margin at all; rates are typed in percent "
            "(0.5 means 0.5 %)",
        )
    return position


def sanity_warnings(position: Position, reference_mark: float | None) -> list[Warned]:
    """What is allowed but probably mistyped, each naming its field."""
    out: list[Warned] = []
    rate = position.maintenance.tiers[0].rate
    if rate >= RATE_WARNING:
        out.append(
            Warned(
                "maintenance.rate",
                f"{percent_text(rate)} % is high: first-tier rates are 0.4–2.5 % on the "
                f"large venues (did you mean {percent_text(rate / 100)} %?)",
            )
        )
    mark = position.mark_price
    if reference_mark is not None and reference_mark > 0:
        if abs(mark / reference_mark - 1) > MARK_FAR:
            out.append(
                Warned(
                    "mark_price",
                    f"{fmt.price(mark)} is {_times(mark, reference_mark)} the market's mark "
                    f"{fmt.price(reference_mark)}",
                )
            )
    elif not (1 / MARK_ENTRY_FACTOR <= mark / position.entry_price <= MARK_ENTRY_FACTOR):
        out.append(
            Warned(
                "mark_price",
                f"{fmt.price(mark)} is {_times(mark, position.entry_price)} the entry "
                f"{fmt.price(position.entry_price)}",
            )
        )
    return out


def _times(value: float, reference: float) -> str:
    ratio = value / reference
    if ratio >= 2 or ratio <= 0.5:
        factor = max(ratio, 1 / ratio)
        text = f"{factor:,.0f}" if factor >= 100 else f"{factor:.3g}"
        return f"{text}×" if ratio >= 2 else f"1/{text} of"
    return f"{(ratio - 1) * 100:+.0f} % from"
