"""Margin accounts and positions: the plain data the engine evaluates.

Immutable dataclasses so they can cross threads (service → UI) safely.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Side(str, Enum):
    LONG = "long"
    SHORT = "short"

    @property
    def sign(self) -> int:
        return 1 if self is Side.LONG else -1


class MarginMode(str, Enum):
    CROSS = "cross"
    ISOLATED = "isolated"


class MaintenanceBasis(str, Enum):
    MARK = "mark"
    ENTRY = "entry"


@dataclass(frozen=True)
class Tier:
    """One maintenance bracket: from `floor` (inclusive) of notional up to the next floor."""

    floor: float
    rate: float
    amount: float


@dataclass(frozen=True)
class Maintenance:
    """How a position's maintenance margin is computed.

    Exactly one of the three portfolio-format shapes is kept, so a file read and written
    back keeps its form; `tiers` is always the effective bracket table the engine uses.
    """

    tiers: tuple[Tier, ...]
    kind: str = "rate"  # "rate" | "tiers" | "max_leverage"
    max_leverage: float | None = None
    amounts_given: bool = True

    @staticmethod
    def flat(rate: float, amount: float = 0.0) -> Maintenance:
        return Maintenance(tiers=(Tier(0.0, rate, amount),), kind="rate")

    @staticmethod
    def hyperliquid(max_leverage: float) -> Maintenance:
        # Hyperliquid: maintenance is half the initial margin at max leverage.
        return Maintenance(
            tiers=(Tier(0.0, 1.0 / (2.0 * max_leverage), 0.0),),
            kind="max_leverage",
            max_leverage=max_leverage,
        )

    @staticmethod
    def tiered(floors: list[float], rates: list[float], amounts: list[float | None]) -> Maintenance:
        """Bracket table; a missing amount follows the continuity recurrence
        cum_n = cum_{n-1} + floor_n * (rate_n - rate_{n-1})."""
        order = sorted(range(len(floors)), key=lambda i: floors[i])
        tiers: list[Tier] = []
        given = all(a is not None for a in amounts)
        for i in order:
            amount = amounts[i]
            if amount is None:
                if tiers:
                    prev = tiers[-1]
                    amount = prev.amount + floors[i] * (rates[i] - prev.rate)
                else:
                    amount = 0.0
            tiers.append(Tier(float(floors[i]), float(rates[i]), float(amount)))
        return Maintenance(tiers=tuple(tiers), kind="tiers", amounts_given=given)


@dataclass(frozen=True)
class Position:
    symbol: str
    side: Side
    contracts: float
    entry_price: float
    mark_price: float
    maintenance: Maintenance
    contract_size: float = 1.0
    inverse: bool = False
    margin_mode: MarginMode = MarginMode.CROSS
    isolated_margin: float | None = None
    leverage: float | None = None
    maintenance_basis: MaintenanceBasis = MaintenanceBasis.MARK
    close_fee_rate: float = 0.0
    hypothetical: bool = False
    # The exchange's own figures, kept beside ours (None when the venue gave none).
    exchange_liquidation_price: float | None = None

    @property
    def size(self) -> float:
        """Base units (linear) or USD face value (inverse)."""
        return self.contracts * self.contract_size


@dataclass(frozen=True)
class Account:
    """One margin pool: a cross wallet plus its positions (isolated ones carry their own margin)."""

    name: str
    wallet_balance: float
    positions: tuple[Position, ...] = ()
    venue: str | None = None
    collateral: str | None = None
    # Exchange-reported pool figures, when a source gives them.
    exchange_health_ratio: float | None = None

    @property
    def inverse(self) -> bool:
        return any(p.inverse for p in self.positions)


@dataclass(frozen=True)
class Thresholds:
    """Health-ratio alert levels (health = margin balance / maintenance; 1.0 liquidates)."""

    warning: float = 2.0
    critical: float = 1.25
    liquidation: float = 1.0

    def __post_init__(self) -> None:
        if not (self.warning >= self.critical >= self.liquidation > 0):
            raise ValueError(
                "thresholds must satisfy warning >= critical >= liquidation > 0, got "
                f"warning={self.warning}, critical={self.critical}, liquidation={self.liquidation}"
            )
