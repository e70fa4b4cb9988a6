"""A pool or position whose figures cannot be computed is an alert of its own (issue 12):
told once, with the reason, never read as OK; told again when known."""

from __future__ import annotations

from monitor.domain.alerts import AlertMachine, EventKind, SubjectReading
from monitor.domain.model import Thresholds
from monitor.domain.report import Level


def reading(health: float | None = 5.0, unknown: str | None = None) -> SubjectReading:
    return SubjectReading("7", "7", "main", health, Thresholds(), 0.2, "falls", unknown=unknown)


def test_unknown_figures_ring_once_with_the_reason_and_known_again_is_told() -> None:
    machine = AlertMachine()
    assert machine.evaluate(0.0, [reading()]) == []
    (event,) = machine.evaluate(1.0, [reading(None, "BTC long: no usable mark")])
    assert event.kind is EventKind.UNKNOWN and event.notify
    assert event.level is Level.WARNING and "BTC long: no usable mark" in event.message
    subject = machine.state.subjects["7"]
    assert not subject.known and subject.shown_level is None
    assert machine.evaluate(2.0, [reading(None, "BTC long: no usable mark")]) == []
    (back,) = machine.evaluate(3.0, [reading()])
    assert back.kind is EventKind.KNOWN and back.notify
    assert machine.state.subjects["7"].known


def test_an_unknown_subject_keeps_a_worse_held_level_in_its_alert() -> None:
    machine = AlertMachine()
    machine.evaluate(0.0, [reading(1.2)])  # critical
    (event,) = machine.evaluate(1.0, [reading(None, "no maintenance figure")])
    assert event.kind is EventKind.UNKNOWN and event.level is Level.CRITICAL


def test_a_snooze_holds_back_the_unknown_alert_and_then_its_all_clear() -> None:
    machine = AlertMachine()
    machine.evaluate(0.0, [reading()])
    machine.snooze("7", 0.5, 600.0, Level.WARNING)
    (event,) = machine.evaluate(1.0, [reading(None, "no usable mark")])
    assert event.kind is EventKind.UNKNOWN and not event.notify
    (back,) = machine.evaluate(2.0, [reading()])
    assert back.kind is EventKind.KNOWN and not back.notify  # the trader was never told
