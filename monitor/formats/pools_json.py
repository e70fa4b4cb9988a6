"""The account object of `margin-monitor.health/1` for an account of several margin pools
(shared/spec/health-report.md, "Additions for several pools"): the account's top-level
figures are its worst pool's, `pools` lists every cross pool and every isolated position, and
each carries what the venue itself reported beside ours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitor.domain.model import Account, MarginMode, Thresholds
from monitor.domain.report import AccountHealth, Level, PositionHealth, level_for
from monitor.formats.health_json import (
    UNKNOWN,
    account_dict,
    exit_code,
    figure,
    position_dict,
    with_unknown,
)


@dataclass(frozen=True)
class PooledReport:
    """One account: each pool as the engine evaluated it, beside the pool's Account."""

    name: str
    pools: tuple[tuple[Account, AccountHealth], ...]
    thresholds: Thresholds
    verified: bool = True

    @property
    def worst_first(self) -> tuple[tuple[Account, AccountHealth], ...]:
        return tuple(sorted(self.pools, key=lambda pool: _badness(pool[1])))

    @property
    def worst(self) -> AccountHealth:
        return self.worst_first[0][1]

    @property
    def status(self) -> Level:
        return max((h.status for _, h in self.pools), default=Level.OK)

    @property
    def known(self) -> bool:
        return all(h.known for _, h in self.pools)


def _badness(h: AccountHealth) -> tuple[int, int, float]:
    """Worst first; a pool that cannot be judged ranks as a warning at least."""
    level = int(h.status) if h.known else max(int(h.status), int(Level.WARNING))
    ratio = h.health_ratio if h.health_ratio is not None else float("inf")
    return (-level, 0 if not h.known else 1, ratio)


def _venue_position(p: PositionHealth) -> dict[str, Any] | None:
    if p.exchange_liquidation_price is None and p.exchange_maintenance_margin is None:
        return None
    return {
        "liquidation_price": p.exchange_liquidation_price,
        "maintenance_margin": p.exchange_maintenance_margin,
    }


def _cross_pool(pool: Account, health: AccountHealth) -> dict[str, Any]:
    venue = None
    if pool.exchange_health_ratio is not None or pool.exchange_maintenance_margin is not None:
        venue = {
            "health_ratio": pool.exchange_health_ratio,
            "maintenance_margin": pool.exchange_maintenance_margin,
        }
    return {
        "collateral": pool.collateral,
        "margin_mode": "cross",
        "margin_balance": figure(health.margin_balance),
        "maintenance_margin": figure(health.maintenance_margin),
        "health_ratio": health.health_ratio,
        "liquidation_move_down": health.liquidation_move_down,
        "liquidation_move_up": health.liquidation_move_up,
        "venue": venue,
        "collaterals": [
            {"asset": c.asset, "amount": c.amount, "price": c.price, "ratio": c.ratio}
            for c in pool.collaterals
        ],
    }


def pooled_dict(report: PooledReport) -> dict[str, Any]:
    worst = report.worst
    top = account_dict(worst)
    top["name"] = report.name
    top["status"] = report.status.label if report.known else UNKNOWN
    top["verified"] = report.verified
    top["positions"] = []
    pools = []
    for pool, health in report.worst_first:
        entry = _cross_pool(pool, health)
        # The pool's own level (its health and the nearer move that liquidates it); the
        # isolated positions' follow as entries of their own.
        entry["status"] = (
            UNKNOWN
            if health.unknown
            else level_for(health.health_ratio, report.thresholds, health.liquidation_move).label
        )
        pools.append(with_unknown(entry, health.unknown))
        for p in health.positions:
            row = position_dict(p)
            row["pool"] = pool.collateral
            row["venue"] = _venue_position(p)
            top["positions"].append(row)
            if p.margin_mode is MarginMode.ISOLATED:
                pools.append(with_unknown(_isolated_entry(pool, p, report), p.unknown))
    top["pools"] = pools
    return top


def _isolated_entry(pool: Account, p: PositionHealth, report: PooledReport) -> dict[str, Any]:
    return {
        "collateral": pool.collateral,
        "margin_mode": "isolated",
        "symbol": p.symbol,
        "side": p.side.value,
        "margin_balance": (
            None if p.health_ratio is None else p.health_ratio * p.maintenance_margin
        ),
        "maintenance_margin": figure(p.maintenance_margin),
        "health_ratio": p.health_ratio,
        "status": UNKNOWN
        if p.unknown
        else level_for(p.health_ratio, report.thresholds, p.distance_to_liquidation).label,
        "liquidation_price": p.liquidation_price,
        "venue": _venue_position(p),
    }


def pooled_exit_status(reports: Sequence[PooledReport]) -> int:
    worst = max((r.status for r in reports), default=Level.OK)
    return exit_code(worst, all(r.known for r in reports))
