"""Health figures for accounts and positions, and their alert level."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import partial
from typing import Any, NamedTuple

from monitor.domain.dict_init import dict_init
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


def move_level(move: float | None, thresholds: Thresholds) -> Level:
    """Level of the market move that liquidates (a fraction of the price; <= 0: already past
    it); None (or NaN): no move liquidates, ok."""
    if move is None or not math.isfinite(move):
        return Level.OK
    if move <= thresholds.move_critical:
        return Level.CRITICAL
    if move <= thresholds.move_warning:
        return Level.WARNING
    return Level.OK


def level_for(health: float | None, thresholds: Thresholds, move: float | None = None) -> Level:
    """Level of a pool or an isolated position: the worse of its health (no maintenance
    requirement, None, is ok) and of `move`, the market move that liquidates it (a pool: the
    nearer of its liquidating moves down and up; an isolated position: its distance to
    liquidation)."""
    by_move = move_level(move, thresholds)
    if health is None or not math.isfinite(health):
        return by_move
    if health <= thresholds.liquidation:
        return Level.LIQUIDATION
    if health <= thresholds.critical:
        return max(Level.CRITICAL, by_move)
    if health <= thresholds.warning:
        return max(Level.WARNING, by_move)
    return by_move


class PositionHealth(NamedTuple):
    """One position's figures. A named tuple rather than a frozen dataclass: a mark tick
    reports every position of every pool it moves, and a frozen dataclass's __init__ (each
    field set through object.__setattr__) costs five times as much to build."""

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
    # Why its figures cannot be computed (a mark of 0, no maintenance table, its cross pool
    # unknown); None: they are. Unknown figures are None (or NaN), never a healthy number.
    unknown: str | None = None


@dict_init
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
    # Why the pool's figures cannot be computed (one of its cross positions is unknown, or it
    # holds positions with no maintenance figure); None: they are. While unknown, `status`
    # is the worst level of what is still known (its isolated positions), never a verdict
    # on the pool: every front end shows the pool as unknown.
    unknown: str | None = None
    # What the trader should know about how the figures were reached (e.g. rows of one symbol
    # typed at different marks, valued at one).
    notes: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        """The pool and every position in it could be judged."""
        return self.unknown is None and all(p.unknown is None for p in self.positions)

    @property
    def unknowns(self) -> list[str]:
        """Every reason something in the pool is unknown, the pool's first."""
        reasons = [] if self.unknown is None else [self.unknown]
        for p in self.positions:
            if p.unknown is not None and p.unknown not in reasons:
                reasons.append(p.unknown)
        return reasons

    @property
    def liquidation_move(self) -> float | None:
        """The nearer of the uniform moves down and up that liquidate the pool (None: none)."""
        moves = [m for m in (self.liquidation_move_down, self.liquidation_move_up) if m is not None]
        return min(moves, default=None)

    @property
    def free_margin(self) -> float:
        """Margin balance above maintenance: what the pool can lose before liquidation."""
        return self.margin_balance - self.maintenance_margin


def position_healths(*columns: Sequence[Any]) -> list[PositionHealth]:
    """One PositionHealth per row of `columns`, given in field order."""
    # map over a partial runs the construction in C, without a Python frame per row.
    return list(map(partial(tuple.__new__, PositionHealth), zip(*columns, strict=True)))
