"""Maintenance rules from what ccxt returns for leverage tiers / risk limits.

ccxt's unified tier has no maintenance amount: Binance's `cum` survives only in
tier['info']['cum'] and Bybit's deduction in tier['info']['mmDeduction']. Without either,
Maintenance.tiered fills the amounts by the continuity recurrence, which is what those
venues' own tables satisfy (margin-math.md §0 invariant 3).

Each tier's maximum leverage is the venue's own: ccxt files Binance's initialLeverage, OKX's
maxLever and Bybit's maxLeverage under the unified maxLeverage (kept in info too, read from
there when the unified field is empty). A table without it leaves it None: safe_size then
derives it from the rate, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.domain.model import Maintenance
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import number, optional_number

AMOUNT_KEYS = ("cum", "mmDeduction", "maintenanceDeduction")
LEVERAGE_KEYS = ("initialLeverage", "maxLever", "maxLeverage")


def _max_leverage(tier: Mapping[str, Any], info: Any, at: str) -> float | None:
    lever = optional_number(tier.get("maxLeverage"), f"{at} maxLeverage")
    if lever is None and isinstance(info, Mapping):
        for key in LEVERAGE_KEYS:
            if info.get(key) not in (None, ""):
                lever = optional_number(info.get(key), f"{at} info.{key}")
                break
    return lever if lever is not None and lever > 0 else None


def maintenance_from_tiers(tiers: Sequence[Mapping[str, Any]], where: str) -> Maintenance:
    """Maintenance.tiered from ccxt LeverageTier dicts (floors, rates, venue amounts if any)."""
    if not tiers:
        raise Malformed(f"{where}: empty leverage-tier table")
    floors: list[float] = []
    rates: list[float] = []
    amounts: list[float | None] = []
    levers: list[float | None] = []
    for i, tier in enumerate(tiers):
        at = f"{where} tier {i + 1}"
        floors.append(number(tier.get("minNotional", 0.0) or 0.0, f"{at} minNotional"))
        rates.append(number(tier.get("maintenanceMarginRate"), f"{at} maintenanceMarginRate"))
        info = tier.get("info") or {}
        amount = None
        for key in AMOUNT_KEYS:
            if isinstance(info, Mapping) and info.get(key) not in (None, ""):
                amount = optional_number(info.get(key), f"{at} info.{key}")
                break
        amounts.append(amount)
        levers.append(_max_leverage(tier, info, at))
    return Maintenance.tiered(floors, rates, amounts, levers)


def maintenance_from_brackets(brackets: Sequence[Sequence[Any]], where: str) -> Maintenance:
    """From ccxt binance's cached options['leverageBrackets'][symbol] = [[floor, rate], ...]."""
    if not brackets:
        raise Malformed(f"{where}: empty bracket table")
    floors = [number(b[0], f"{where} bracket floor") for b in brackets]
    rates = [number(b[1], f"{where} bracket rate") for b in brackets]
    return Maintenance.tiered(floors, rates, [None] * len(floors))
