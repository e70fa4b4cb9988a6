"""Wording of alert messages: one line a trader understands at a glance on a phone."""

from __future__ import annotations

from monitor.domain.alert_model import AlertRules, SubjectReading
from monitor.domain.model import Thresholds
from monitor.domain.report import Level


def threshold_of(level: Level, thresholds: Thresholds) -> float:
    if level is Level.LIQUIDATION:
        return thresholds.liquidation
    if level is Level.CRITICAL:
        return thresholds.critical
    return thresholds.warning


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.1f} %"


def _distance_clause(reading: SubjectReading) -> str:
    if reading.distance is None:
        return ""
    return f" — liquidation if the market {reading.direction} {_pct(reading.distance)}"


def alert_text(
    reading: SubjectReading, level: Level, health_level: Level, rules: AlertRules
) -> str:
    """Why `reading` stands at `level`; `health_level` is what the health alone gives."""
    health = reading.health
    if health is not None and health_level >= level:
        limit = threshold_of(level, reading.thresholds)
        return (
            f"{reading.label}: health {health:.2f} ≤ {level.label} {limit:.2f}"
            f"{_distance_clause(reading)}"
        )
    if reading.distance is not None and rules.distance_alert is not None:
        health_part = "" if health is None else f" — health {health:.2f}"
        return (
            f"{reading.label}: {level.label} — liquidation if the market {reading.direction} "
            f"{_pct(reading.distance)} (alert at {_pct(rules.distance_alert)}){health_part}"
        )
    # Held by hysteresis only: health is just above the line but not yet clear of it.
    limit = threshold_of(level, reading.thresholds) * (1 + rules.hysteresis)
    shown = "none" if health is None else f"{health:.2f}"
    return f"{reading.label}: still {level.label} — health {shown}, clears at {limit:.2f}"


def clear_text(reading: SubjectReading, old: Level, new: Level) -> str:
    health = "no maintenance" if reading.health is None else f"health {reading.health:.2f}"
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
