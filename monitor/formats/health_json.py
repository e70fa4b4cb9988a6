"""The health report `margin-monitor.health/1` (shared/spec/health-report.md)."""

from __future__ import annotations

from typing import Any

from monitor.domain.report import AccountHealth, Level, PositionHealth

FORMAT = "margin-monitor.health/1"


def position_dict(p: PositionHealth) -> dict[str, Any]:
    return {
        "symbol": p.symbol,
        "side": p.side.value,
        "margin_mode": p.margin_mode.value,
        "notional": p.notional,
        "unrealized_pnl": p.unrealized_pnl,
        "maintenance_margin": p.maintenance_margin,
        "health_ratio": p.health_ratio,
        "liquidation_price": p.liquidation_price,
        "distance_to_liquidation": p.distance_to_liquidation,
    }


def account_dict(a: AccountHealth) -> dict[str, Any]:
    return {
        "name": a.name,
        "margin_balance": a.margin_balance,
        "maintenance_margin": a.maintenance_margin,
        "health_ratio": a.health_ratio,
        "status": a.status.label,
        "liquidation_move_down": a.liquidation_move_down,
        "liquidation_move_up": a.liquidation_move_up,
        "positions": [position_dict(p) for p in a.positions],
    }


def health_dict(reports: tuple[AccountHealth, ...] | list[AccountHealth]) -> dict[str, Any]:
    return {"format": FORMAT, "accounts": [account_dict(a) for a in reports]}


def exit_status(reports: tuple[AccountHealth, ...] | list[AccountHealth]) -> int:
    """Monitoring-plugin convention: 0 ok, 1 warning, 2 critical or liquidation."""
    worst = max((a.status for a in reports), default=Level.OK)
    return {Level.OK: 0, Level.WARNING: 1, Level.CRITICAL: 2, Level.LIQUIDATION: 2}[worst]
