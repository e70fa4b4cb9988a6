"""Health figures for accounts and positions, and their alert level."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from monitor.domain.model import MarginMode, Side, Thresholds


class Level(IntEnum):
    """Ordered: a higher value is worse."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    LIQUIDATION = 3

    @property
    def label(self) -> str:
        return self.name.lower()


def level_for(health: float | None, thresholds: Thresholds) -> Level:
    """Level of one health ratio; no maintenance requirement (None) is ok."""
    if health is None:
        return Level.OK
    if health <= thresholds.liquidation:
        return Level.LIQUIDATION
    if health <= thresholds.critical:
        return Level.CRITICAL
    if health <= thresholds.warning:
        return Level.WARNING
    return Level.OK


@dataclass(frozen=True)
class PositionHealth:
    symbol: str
    side: Side
    margin_mode: MarginMode
    mark_price: float
    notional: float
    unrealized_pnl: float
    maintenance_margin: float
    health_ratio: float | None
    liquidation_price: float | None
    distance_to_liquidation: float | None
    hypothetical: bool = False
    exchange_liquidation_price: float | None = None
    exchange_maintenance_margin: float | None = None


@dataclass(frozen=True)
class AccountHealth:
    name: str
    margin_balance: float
    maintenance_margin: float
    health_ratio: float | None
    status: Level
    liquidation_move_down: float | None
    liquidation_move_up: float | None
    positions: tuple[PositionHealth, ...]

    @property
    def free_margin(self) -> float:
        """Margin balance above maintenance: what the pool can lose before liquidation."""
        return self.margin_balance - self.maintenance_margin
