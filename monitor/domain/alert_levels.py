"""Alert level of one reading: now (raw) and what may still be held under hysteresis.

The level now is the engine's own rule (`report.level_for`): the worse of the health level
and the level of the market move that liquidates, against the reading's own thresholds.
"""

from __future__ import annotations

import math

from monitor.domain.alert_model import AlertRules, SubjectReading
from monitor.domain.alert_text import move_threshold_of, threshold_of
from monitor.domain.report import Level, level_for
from monitor.domain.report import move_level as _move_level

_LEVELS = (Level.LIQUIDATION, Level.CRITICAL, Level.WARNING)
_MOVE_LEVELS = (Level.CRITICAL, Level.WARNING)


def finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def health_level(reading: SubjectReading) -> Level:
    """Level the health alone reaches now (health <= threshold)."""
    return level_for(finite(reading.health), reading.thresholds)


def move_level(reading: SubjectReading) -> Level:
    """Level the move that liquidates alone reaches now (move <= threshold)."""
    return _move_level(finite(reading.distance), reading.thresholds)


def raw_level(reading: SubjectReading) -> Level:
    """Level reached now by health or by the move that liquidates, ignoring history."""
    return level_for(finite(reading.health), reading.thresholds, finite(reading.distance))


def health_hold(reading: SubjectReading, rules: AlertRules) -> Level:
    """Worst level the health has not yet risen a full margin clear of: it holds while
    health < threshold * (1 + hysteresis)."""
    scale = 1.0 + rules.hysteresis
    health = finite(reading.health)
    if health is not None:
        for level in _LEVELS:
            if health < threshold_of(level, reading.thresholds) * scale:
                return level
    return Level.OK


def move_hold(reading: SubjectReading, rules: AlertRules) -> Level:
    """The same for the move: holds while move < move threshold * (1 + hysteresis)."""
    scale = 1.0 + rules.hysteresis
    move = finite(reading.distance)
    if move is not None:
        for level in _MOVE_LEVELS:
            if move < move_threshold_of(level, reading.thresholds) * scale:
                return level
    return Level.OK


def hold_level(reading: SubjectReading, rules: AlertRules) -> Level:
    """Worst level that may still be held: not yet risen to threshold * (1 + hysteresis)."""
    return max(health_hold(reading, rules), move_hold(reading, rules))


def next_level(held: Level, reading: SubjectReading, rules: AlertRules) -> Level:
    raw = raw_level(reading)
    if raw >= held:
        return raw
    return max(raw, min(held, hold_level(reading, rules)))
