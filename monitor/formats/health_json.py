"""The health report `margin-monitor.health/1` (shared/spec/health-report.md)."""

from __future__ import annotations

import math
from typing import Any

from monitor.domain.report import AccountHealth, Level, PositionHealth

FORMAT = "margin-monitor.health/1"


UNKNOWN = "unknown"


def figure(value: float | None) -> float | None:
    """A figure for JSON: null where it is not a number (an unknown's), never NaN."""
    return None if value is None or not math.isfinite(value) else value


def with_unknown(entry: dict[str, Any], reason: str | None) -> dict[str, Any]:
    """The spec's unknown: null figures with `"unknown": "reason"` on the same object."""
    if reason is not None:
        entry["unknown"] = reason
    return entry


def position_dict(p: PositionHealth) -> dict[str, Any]:
    entry = {
        "symbol": p.symbol,
        "side": p.side.value,
        "margin_mode": p.margin_mode.value,
        "notional": figure(p.notional),
        "unrealized_pnl": figure(p.unrealized_pnl),
        "maintenance_margin": figure(p.maintenance_margin),
        "health_ratio": p.health_ratio,
        "liquidation_price": p.liquidation_price,
        "distance_to_liquidation": p.distance_to_liquidation,
    }
    return with_unknown(entry, p.unknown)


def status_label(a: AccountHealth) -> str:
    """The worst level, or "unknown" when anything in the pool could not be computed."""
    return a.status.label if a.known else UNKNOWN


def account_dict(a: AccountHealth) -> dict[str, Any]:
    entry = {
        "name": a.name,
        "margin_balance": figure(a.margin_balance),
        "maintenance_margin": figure(a.maintenance_margin),
        "health_ratio": a.health_ratio,
        "status": status_label(a),
        "liquidation_move_down": a.liquidation_move_down,
        "liquidation_move_up": a.liquidation_move_up,
        "positions": [position_dict(p) for p in a.positions],
    }
    return with_unknown(entry, a.unknown)


def health_dict(reports: tuple[AccountHealth, ...] | list[AccountHealth]) -> dict[str, Any]:
    return {"format": FORMAT, "accounts": [account_dict(a) for a in reports]}


EXIT_UNKNOWN = 3


def exit_code(worst: Level, known: bool) -> int:
    """Monitoring-plugin convention: 0 ok, 1 warning, 2 critical or liquidation, 3 unknown —
    whatever else is known, a monitoring job must hear that something could not be judged."""
    if not known:
        return EXIT_UNKNOWN
    return {Level.OK: 0, Level.WARNING: 1, Level.CRITICAL: 2, Level.LIQUIDATION: 2}[worst]


def exit_status(reports: tuple[AccountHealth, ...] | list[AccountHealth]) -> int:
    worst = max((a.status for a in reports), default=Level.OK)
    return exit_code(worst, all(a.known for a in reports))
