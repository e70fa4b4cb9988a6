"""The health report as a plain-text table for people."""

from __future__ import annotations

import math

from monitor.domain.report import AccountHealth


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _price(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:,.6g}" if abs(value) < 1 else f"{value:,.2f}"


def _moves(a: AccountHealth) -> str:
    """The uniform market move that liquidates the pool, in words."""
    if a.unknown is not None:
        return "liquidating move unknown"
    if a.health_ratio is not None and a.health_ratio <= 1.0:
        return "pool at or below liquidation (health <= 1.0)"
    if a.health_ratio is None and not any(p.margin_mode.value == "cross" for p in a.positions):
        return "no cross positions"
    down = (
        "none within -100 %" if a.liquidation_move_down is None else _pct(-a.liquidation_move_down)
    )
    up = (
        "none within +1000 %"
        if a.liquidation_move_up is None
        else "+" + _pct(a.liquidation_move_up)
    )
    return f"liquidated by a uniform move of all marks: down {down}, up {up}"


def health_table(reports: tuple[AccountHealth, ...] | list[AccountHealth]) -> str:
    lines: list[str] = []
    for a in reports:
        health = "none (no maintenance)" if a.health_ratio is None else f"{a.health_ratio:.3f}"
        if a.unknown is not None:
            health = "unknown"
        lines.append(f"{a.name}  [{a.status.label.upper() if a.known else 'UNKNOWN'}]")
        for reason in a.unknowns:
            lines.append(f"  UNKNOWN: {reason}")
        for note in a.notes:
            lines.append(f"  NOTE: {note}")
        lines.append(
            f"  health {health}   margin balance {_num(a.margin_balance)}"
            # Balance − maintenance: what the pool can lose, not what any venue calls free
            # or available (balance − initial margin).
            f"   maintenance {_num(a.maintenance_margin)}"
            f"   above maintenance {_num(a.free_margin)}"
        )
        lines.append("  " + _moves(a))
        header = (
            "symbol",
            "side",
            "mode",
            "notional",
            "uPnL",
            "maint.",
            "health",
            "liq. price",
            "distance",
        )
        rows = [header]
        for p in a.positions:
            rows.append(
                (
                    p.symbol + (" (what-if)" if p.hypothetical else ""),
                    p.side.value,
                    p.margin_mode.value,
                    _num(p.notional),
                    _num(p.unrealized_pnl),
                    _num(p.maintenance_margin),
                    "—" if p.health_ratio is None else f"{p.health_ratio:.3f}",
                    "unknown" if p.unknown else _price(p.liquidation_price),
                    _pct(p.distance_to_liquidation),
                )
            )
        if a.positions:
            widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
            for r in rows:
                cells = [
                    c.ljust(w) if i < 3 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(r, widths, strict=True))
                ]
                lines.append("  " + "  ".join(cells))
        else:
            lines.append("  no positions")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
