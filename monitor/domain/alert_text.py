"""Wording of alert messages: one line a trader understands at a glance on a phone."""

from __future__ import annotations

from monitor.domain.alert_model import SubjectReading
from monitor.domain.model import Thresholds
from monitor.domain.report import Level


def threshold_of(level: Level, thresholds: Thresholds) -> float:
    if level is Level.LIQUIDATION:
        return thresholds.liquidation
    if level is Level.CRITICAL:
        return thresholds.critical
    return thresholds.warning


def move_threshold_of(level: Level, thresholds: Thresholds) -> float:
    return thresholds.move_critical if level >= Level.CRITICAL else thresholds.move_warning


def pct(fraction: float) -> str:
    """0.008 -> "0.8 %"; below 0.1 % two significant digits (0.00042 -> "0.042 %")."""
    percent = fraction * 100
    return f"{percent:.1f} %" if abs(percent) >= 0.1 or percent == 0 else f"{percent:.2g} %"


def pace_text(eta_seconds: float | None) -> str:
    """The estimate in words, "≈ 40 s at the current pace" ("" without one)."""
    if eta_seconds is None:
        return ""
    if eta_seconds < 0.5:
        return "< 1 s at the current pace"
    if eta_seconds < 90:
        left = f"{eta_seconds:.0f} s"
    elif eta_seconds < 90 * 60:
        left = f"{eta_seconds / 60:.0f} min"
    else:
        left = f"{eta_seconds / 3600:.1f} h"
    return f"≈ {left} at the current pace"


def _eta_clause(reading: SubjectReading) -> str:
    text = pace_text(reading.eta_seconds)
    return f" — {text}" if text else ""


def _distance_clause(reading: SubjectReading) -> str:
    if reading.distance is None:
        return ""
    return (
        f" — liquidation if the market {reading.direction} {pct(reading.distance)}"
        f"{_eta_clause(reading)}"
    )


def alert_text(
    reading: SubjectReading,
    level: Level,
    health_level: Level,
    move_level: Level,
) -> str:
    """Why `reading` stands at `level`; `health_level` and `move_level` are what the health
    and the move that liquidates give alone now."""
    health = reading.health
    if health is not None and health_level >= level:
        limit = threshold_of(level, reading.thresholds)
        return (
            f"{reading.label}: health {health:.2f} ≤ {level.label} {limit:.2f}"
            f"{_distance_clause(reading)}"
        )
    health_part = "" if health is None else f" — health {health:.2f}"
    if reading.distance is not None and move_level >= level:
        limit = move_threshold_of(level, reading.thresholds)
        return (
            f"{reading.label}: {level.label} at a move ≤ {pct(limit)}"
            f"{_distance_clause(reading)}{health_part}"
        )
    # Not reached by either now (held under hysteresis): what the figures are.
    shown = "none" if health is None else f"{health:.2f}"
    return f"{reading.label}: still {level.label} — health {shown}{_distance_clause(reading)}"


def clear_text(reading: SubjectReading, old: Level, new: Level) -> str:
    health = "no maintenance" if reading.health is None else f"health {reading.health:.2f}"
    if reading.distance is not None:
        health += f", liquidation {pct(reading.distance)} away"
    if new is Level.OK:
        return f"{reading.label}: {old.label} cleared — {health}, back to ok"
    return f"{reading.label}: {old.label} cleared — {health}, still {new.label}"


def stale_text(label: str, age: float | None, window: float, last: Level) -> str:
    since = "no good data yet" if age is None else f"no fresh data for {age:.0f} s"
    last_known = "" if last is Level.OK else f"; last known level {last.label}"
    return f"{label}: {since} (limit {window:.0f} s) — figures unknown{last_known}"


def duration_text(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
