"""Margin accounts and positions: the plain data the engine evaluates.

Immutable dataclasses so they can cross threads (service → UI) safely.
"""

from __future__ import annotations

import math
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
    # The venue's own maximum leverage in this bracket (OKX maxLever, Binance initialLeverage,
    # Bybit maxLeverage); None when it gave none (safe_size then derives 1 / (2 x rate)).
    max_leverage: float | None = None


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
    def tiered(
        floors: list[float],
        rates: list[float],
        amounts: list[float | None],
        max_leverages: list[float | None] | None = None,
    ) -> Maintenance:
        """Bracket table; a missing amount follows the continuity recurrence
        cum_n = cum_{n-1} + floor_n * (rate_n - rate_{n-1}). `max_leverages`: the venue's
        maximum leverage per bracket, where it gives one."""
        levers = max_leverages or [None] * len(floors)
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
            lever = levers[i]
            tiers.append(
                Tier(
                    float(floors[i]),
                    float(rates[i]),
                    float(amount),
                    None if lever is None else float(lever),
                )
            )
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
    exchange_maintenance_margin: float | None = None
    # Why this position cannot be judged, when its source knows (e.g. the venue has no
    # maintenance table for its symbol): it and its cross pool are shown unknown, never OK.
    unknown: str | None = None

    @property
    def size(self) -> float:
        """Base units (linear) or USD face value (inverse)."""
        return self.contracts * self.contract_size

    @property
    def base(self) -> str:
        """The asset whose price the contract follows ('BTC/USDT:USDT' -> 'BTC')."""
        return self.symbol.split("/", 1)[0]

    @property
    def settle(self) -> str:
        """The asset its PnL is paid in ('BTC/USDT:USDT' -> 'USDT'; '' when not a contract)."""
        return self.symbol.split(":", 1)[1].split("-", 1)[0] if ":" in self.symbol else ""


@dataclass(frozen=True)
class HaircutTier:
    """From `floor` units of a collateral asset upwards, each unit counts at `ratio` of its
    value."""

    floor: float
    ratio: float


@dataclass(frozen=True)
class Collateral:
    """A non-USD asset in a USD-valued pool's wallet (Binance multi-assets, Bybit unified).

    It counts at amount x price x the venue's ratio (1 - haircut); a venue that tiers the ratio
    tiers it by quantity, so the counted value stays proportional to the price. The price moves
    with the market: a fall in BTC lowers the pool through BTC collateral as well as positions.
    """

    asset: str
    amount: float
    price: float  # USD, as the venue values it (its index or mark)
    ratios: tuple[HaircutTier, ...] = (HaircutTier(0.0, 1.0),)

    @property
    def counted_units(self) -> float:
        """Units of the asset that count, after the tiered ratio: value = counted_units x price.
        A negative balance (a debt) counts in full."""
        if self.amount <= 0:
            return self.amount
        tiers = sorted(self.ratios, key=lambda t: t.floor)
        total = 0.0
        for i, tier in enumerate(tiers):
            top = tiers[i + 1].floor if i + 1 < len(tiers) else float("inf")
            held = min(self.amount, top) - tier.floor
            if held > 0:
                total += held * tier.ratio
        return total

    @property
    def value(self) -> float:
        return self.counted_units * self.price

    @property
    def ratio(self) -> float:
        """The effective share of its value that counts (1 - haircut)."""
        return self.counted_units / self.amount if self.amount > 0 else 1.0


@dataclass(frozen=True)
class SettleAsset:
    """A margin asset that positions settle in, inside a USD-valued multi-asset pool (Binance
    Multi-Assets mode): its equity — wallet plus the unrealised PnL of the cross positions that
    settle in it — counts at `bid` USD per unit while positive and at `ask` while negative, and
    those positions' maintenance at `ask`."""

    asset: str
    wallet: float
    bid: float
    ask: float


@dataclass(frozen=True)
class Account:
    """One margin pool: a cross wallet plus its positions (isolated ones carry their own margin).

    `wallet_balance` is the USD-stable part of the wallet; `collaterals` the assets whose value
    moves with their price (empty for a single-currency pool).
    """

    name: str
    wallet_balance: float
    positions: tuple[Position, ...] = ()
    venue: str | None = None
    collateral: str | None = None
    # Exchange-reported pool figures, when a source gives them.
    exchange_health_ratio: float | None = None
    collaterals: tuple[Collateral, ...] = ()
    exchange_maintenance_margin: float | None = None
    # Non-empty: positions count through their settle asset's rates (multi-asset pools).
    settle_assets: tuple[SettleAsset, ...] = ()

    @property
    def inverse(self) -> bool:
        return any(p.inverse for p in self.positions)

    @property
    def counted_wallet(self) -> float:
        """The whole wallet as the pool counts it today, before unrealised PnL: the plain
        balance, each settle asset at its rate, each collateral at price x haircut."""
        settle = sum(a.wallet * (a.bid if a.wallet > 0 else a.ask) for a in self.settle_assets)
        return self.wallet_balance + settle + sum(c.value for c in self.collaterals)


class ThresholdsError(ValueError):
    """Alert thresholds that do not hold together; `field` names the one at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _pct(fraction: float) -> str:
    return f"{fraction * 100:g} %"


@dataclass(frozen=True)
class Thresholds:
    """An account's alert levels, by health ratio (margin balance / maintenance; 1.0
    liquidates) and by the market move that liquidates (a fraction of the price: 0.03 is 3 %).

    A pool's or isolated position's level is the worse of the two: a leveraged book at health
    8 can be 0.8 % of price from liquidation, and health alone would leave no time to act.
    """

    warning: float = 2.0
    critical: float = 1.25
    liquidation: float = 1.0
    move_warning: float = 0.03
    move_critical: float = 0.01

    def __post_init__(self) -> None:
        for name in ("warning", "critical", "liquidation"):
            value = getattr(self, name)
            if math.isnan(value):
                raise ThresholdsError(name, f"{name} must be a number, got {value}")
        if not self.liquidation > 0:
            raise ThresholdsError(
                "liquidation", f"liquidation must be above 0, got {self.liquidation:g}"
            )
        if not self.critical >= self.liquidation:
            raise ThresholdsError(
                "critical",
                f"critical ({self.critical:g}) must not be below liquidation "
                f"({self.liquidation:g})",
            )
        if not self.warning >= self.critical:
            raise ThresholdsError(
                "critical",
                f"critical ({self.critical:g}) must not be above warning ({self.warning:g})",
            )
        if not 0 < self.move_warning < 1:
            raise ThresholdsError(
                "move_warning",
                "move_warning must be above 0 % and below 100 % of the price, "
                f"got {_pct(self.move_warning)}",
            )
        if not self.move_critical > 0:
            raise ThresholdsError(
                "move_critical",
                f"move_critical must be above 0 % of the price, got {_pct(self.move_critical)}",
            )
        if not self.move_critical <= self.move_warning:
            raise ThresholdsError(
                "move_critical",
                f"move_critical ({_pct(self.move_critical)}) must not be above "
                f"move_warning ({_pct(self.move_warning)})",
            )
