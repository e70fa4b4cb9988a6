"""A pool's margin figures restated in its venue's own convention, so a trader can set ours
beside the number the exchange's screen shows.

Ours is health = margin balance ÷ maintenance margin (1.00 liquidates, higher is safer). The
venues print other ratios of the same two figures, as a percentage:

- Binance USDⓈ-M / COIN-M, "Margin Ratio" = maintenance margin ÷ margin balance; 100 %
  liquidates, lower is safer. Binance: "To avoid being liquidated (i.e. margin ratio hits
  100%)"; account fields totalMaintMargin / totalMarginBalance (reference margin-math.md §1d).
- Bybit unified account, "Account MM Rate" = total maintenance margin ÷ margin balance
  (− haircut loss + order loss, both 0 for a perpetuals-only book); 100 % liquidates, lower
  is safer (Bybit glossary, reference §2b c–d). Not applicable to isolated-margin UTA or
  classic accounts: there the venue shows no account ratio.
- OKX "Margin ratio" = equity ÷ (maintenance margin + fee to close); 100 % or below
  liquidates, higher is safer (OKX help centre, "Margin ratio = … / (maintenance margin +
  fees)", okx.com/help-center/6997123251341; reference §3d). The engine's OKX maintenance
  already carries the close fee (Position.close_fee_rate), so this is health × 100 %.

Plain Python: no Qt, no IO.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class VenueConvention:
    name: str  # as the venue's screen labels it, with the venue: "Binance margin ratio"
    maintenance_over_balance: bool  # True: MM ÷ balance (lower is safer); False: the inverse
    meaning: str  # one line for the tooltip


BINANCE = VenueConvention(
    "Binance margin ratio",
    True,
    "Binance's margin ratio: maintenance margin ÷ margin balance; 100 % liquidates, lower is safer",
)
BYBIT = VenueConvention(
    "Bybit account MM rate",
    True,
    "Bybit's account maintenance-margin rate: maintenance margin ÷ margin balance; "
    "100 % liquidates, lower is safer",
)
OKX = VenueConvention(
    "OKX margin ratio",
    False,
    "OKX's margin ratio: equity ÷ (maintenance margin + fee to close); 100 % liquidates, "
    "higher is safer",
)

_BY_VENUE = {
    "binance": BINANCE,
    "binanceusdm": BINANCE,
    "binancecoinm": BINANCE,
    "bybit": BYBIT,
    "okx": OKX,
}


def convention_of(venue: str | None) -> VenueConvention | None:
    """The venue's own account ratio (None: the venue shows none, or a manual book)."""
    return _BY_VENUE.get((venue or "").lower())


def venue_percent(
    convention: VenueConvention, margin_balance: float, maintenance: float
) -> float | None:
    """The ratio in percent from our figures; None when it is not a number (no maintenance,
    a figure unknown). A balance at or below 0 against Binance's or Bybit's MM ÷ balance is
    past liquidation: +inf, never a small (safe-looking) or negative percentage."""
    if not (math.isfinite(margin_balance) and math.isfinite(maintenance)) or maintenance <= 0:
        return None
    if convention.maintenance_over_balance:
        if margin_balance <= 0:
            return math.inf
        return maintenance / margin_balance * 100.0
    return margin_balance / maintenance * 100.0


def venue_text(convention: VenueConvention, percent: float | None) -> str:
    """ "Binance margin ratio 9.48 %"; "… past 100 %" beyond liquidation; "… —" unknown."""
    if percent is None:
        return f"{convention.name} —"
    if math.isinf(percent):
        return f"{convention.name} past 100 %"
    return f"{convention.name} {percent:,.2f} %"
