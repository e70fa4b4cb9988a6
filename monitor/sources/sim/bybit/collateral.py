"""Tiered collateral value ratios of the Unified Trading Account.

Bybit help centre, "Understanding Collateral Value Ratios in Unified Trading Account"
(https://www.bybit.com/en/help-center/article/Assets-Collateral-Value-Ratio-List-UTA):
    Total Wallet Balance (USD) = Σ Asset × USD Index Price × Collateral Value Ratio
with the ratio tiered by the QUANTITY of the coin ("Tier (Quantity)": BTC 0–10 → 0.98,
>10–20 → 0.95, >20–30 → 0.9, >30–40 → 0.85, >40–50 → 0.8, >50 → 0; USDT >0 → 1), and
"The Collateral Value Ratio only applies to assets with a positive balance. For assets with a
negative balance default to a 100% collateral value ratio."
The API side is GET /v5/spot-margin-trade/collateral ("Get Tiered Collateral Ratio",
docs/v5/spot-margin-uta/tier-collateral-ratio): per currency, collateralRatioList of
{minQty, maxQty ("" = +∞), collateralRatio}.

Docs silent, chosen: each tier's ratio applies to the slice of the quantity inside that tier
(progressive, as the tier table with its lower and upper bounds reads), not the whole
quantity at the ratio of the tier the total falls in. BTC uses the help centre's example table;
the ETH and SOL tables are chosen; USDT and USDC are 1 at every quantity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class CollateralTier:
    min_qty: float
    max_qty: float  # math.inf: no upper limit (served as "")
    ratio: float


def _tiers(rows: list[tuple[float, float, float]]) -> tuple[CollateralTier, ...]:
    return tuple(CollateralTier(lo, hi, r) for lo, hi, r in rows)


COLLATERAL_TIERS: Mapping[str, tuple[CollateralTier, ...]] = {
    "USDT": _tiers([(0, math.inf, 1.0)]),
    "USDC": _tiers([(0, math.inf, 1.0)]),
    "BTC": _tiers(
        [
            (0, 10, 0.98),
            (10, 20, 0.95),
            (20, 30, 0.9),
            (30, 40, 0.85),
            (40, 50, 0.8),
            (50, math.inf, 0.0),
        ]
    ),
    "ETH": _tiers([(0, 200, 0.95), (200, 400, 0.9), (400, 600, 0.8), (600, math.inf, 0.0)]),
    "SOL": _tiers([(0, 5_000, 0.9), (5_000, 10_000, 0.8), (10_000, math.inf, 0.0)]),
}


def collateral_value(qty: float, usd_price: float, tiers: tuple[CollateralTier, ...]) -> float:
    """USD value a coin balance adds to the wallet balance after its collateral value ratio."""
    if qty <= 0:
        return qty * usd_price  # a negative balance counts in full (ratio 100 %)
    counted = 0.0
    for tier in tiers:
        inside = min(qty, tier.max_qty) - tier.min_qty
        if inside > 0:
            counted += inside * tier.ratio
    return counted * usd_price
