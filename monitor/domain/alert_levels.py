"""Alert level of one reading: now (raw) and what may still be held under hysteresis."""

from __future__ import annotations

import math

from monitor.domain.alert_model import AlertRules, SubjectReading
from monitor.domain.alert_text import threshold_of
from monitor.domain.report import Level

_LEVELS = (Level.LIQUIDATION, Level.CRITICAL, Level.WARNING)


def finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def health_level(reading: SubjectReading) -> Level:
    """Level the health alone reaches now (health <= threshold)."""
    health = finite(reading.health)
    if health is None:
        return Level.OK
    for level in _LEVELS:
        if health <= threshold_of(level, reading.thresholds):
            return level
    return Level.OK


def raw_level(reading: SubjectReading, rules: AlertRules) -> Level:
    """Level reached now by health or by distance to liquidation, ignoring history."""
    distance = finite(reading.distance)
    by_distance = Level.OK
    if (
        rules.distance_alert is not None
        and distance is not None
        and distance <= rules.distance_alert
    ):
        by_distance = rules.distance_level
    return max(health_level(reading), by_distance)


def hold_level(reading: SubjectReading, rules: AlertRules) -> Level:
    """Worst level that may still be held: not yet risen to threshold * (1 + hysteresis)."""
    scale = 1.0 + rules.hysteresis
    health = finite(reading.health)
    by_health = Level.OK
    if health is not None:
        for level in _LEVELS:
            if health < threshold_of(level, reading.thresholds) * scale:
                by_health = level
                break
    distance = finite(reading.distance)
    by_distance = Level.OK
    limit = None if rules.distance_alert is None else rules.distance_alert * scale
    if limit is not None and distance is not None and distance < limit:
        by_distance = rules.distance_level
    return max(by_health, by_distance)


def next_level(held: Level, reading: SubjectReading, rules: AlertRules) -> Level:
    raw = raw_level(reading, rules)
    if raw >= held:
        return raw
    return max(raw, min(held, hold_level(reading, rules)))
