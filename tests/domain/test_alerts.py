"""Example-based tests of each alert rule (the property tests are in test_alert_properties.py)."""

from __future__ import annotations

import pytest

from monitor.domain.alerts import (
    AccountFeed,
    AlertEvent,
    AlertMachine,
    AlertRules,
    EventKind,
    SubjectReading,
)
from monitor.domain.model import Thresholds
from monitor.domain.report import Level

LIMITS = Thresholds(warning=2.0, critical=1.25, liquidation=1.0)
ACCOUNT = "1"
POSITION = "1:BTC/USDT:USDT:long"


def pool(health: float | None, distance: float | None = None) -> SubjectReading:
    return SubjectReading(ACCOUNT, ACCOUNT, "binance-main", health, LIMITS, distance, "falls")


def fresh(age: float = 1.0, **kw: str | None) -> AccountFeed:
    return AccountFeed(ACCOUNT, "binance-main", interval=5.0, age=age, **kw)  # type: ignore[arg-type]


def run(machine: AlertMachine, path: list[float | None], t0: float = 0.0) -> list[AlertEvent]:
    """Feed a health path, one evaluation a second, data always fresh."""
    events: list[AlertEvent] = []
    for i, health in enumerate(path):
        events += machine.evaluate(t0 + i, [pool(health)], [fresh()])
    return events


def notified(events: list[AlertEvent]) -> list[tuple[EventKind, Level]]:
    return [(e.kind, e.level) for e in events if e.notify]


def test_crossing_notifies_in_the_same_evaluation_with_a_message_for_the_trader():
    machine = AlertMachine()
    assert machine.evaluate(0.0, [pool(1.6)], [fresh()])[0].level is Level.WARNING
    events = machine.evaluate(1.0, [pool(1.22, distance=0.041)], [fresh()])
    assert [(e.kind, e.level, e.notify) for e in events] == [
        (EventKind.ESCALATED, Level.CRITICAL, True)
    ]
    assert events[0].message == (
        "binance-main: health 1.22 ≤ critical 1.25 — liquidation if the market falls 4.1 %"
    )
    assert events[0].at == 1.0 and events[0].previous is Level.WARNING


def test_noise_at_a_threshold_notifies_once_and_clears_only_a_margin_above_it():
    machine = AlertMachine(AlertRules(hysteresis=0.05))
    noisy = [2.01, 1.99, 2.01, 1.98, 2.02, 2.0, 2.09, 1.999, 2.0999]
    events = run(machine, noisy)
    assert notified(events) == [(EventKind.RAISED, Level.WARNING)]
    assert machine.state.subjects[ACCOUNT].level is Level.WARNING
    # 2.0 * 1.05 = 2.1: the first reading at or above it clears.
    events = run(machine, [2.1], t0=100)
    assert [(e.kind, e.level, e.previous) for e in events] == [
        (EventKind.CLEARED, Level.OK, Level.WARNING)
    ]
    assert machine.state.subjects[ACCOUNT].level is Level.OK


def test_every_worse_level_notifies_at_once_even_when_levels_are_skipped():
    machine = AlertMachine()
    events = run(machine, [3.0, 1.9, 1.2, 0.99])
    assert notified(events) == [
        (EventKind.RAISED, Level.WARNING),
        (EventKind.ESCALATED, Level.CRITICAL),
        (EventKind.ESCALATED, Level.LIQUIDATION),
    ]
    jump = AlertMachine()
    assert notified(run(jump, [3.0, 0.9])) == [(EventKind.RAISED, Level.LIQUIDATION)]


def test_a_level_notifies_again_only_after_it_cleared():
    machine = AlertMachine()
    # critical, still critical under hysteresis (1.30 < 1.3125), clears to warning, critical again
    events = run(machine, [1.2, 1.3, 1.2, 1.32, 1.2])
    assert notified(events) == [
        (EventKind.RAISED, Level.CRITICAL),
        (EventKind.CLEARED, Level.WARNING),
        (EventKind.ESCALATED, Level.CRITICAL),
    ]
    assert events[1].message == "binance-main: critical cleared — health 1.32, still warning"


def test_distance_to_liquidation_raises_its_own_level_with_hysteresis():
    # Was AlertRules(distance_alert=0.03, distance_level=CRITICAL): the global distance rule is
    # now the account's move thresholds; critical at a 3 % move says the same.
    limits = Thresholds(move_warning=0.03, move_critical=0.03)
    machine = AlertMachine()

    def near(distance: float) -> SubjectReading:
        return SubjectReading(ACCOUNT, ACCOUNT, "binance-main", 3.0, limits, distance, "falls")

    events = machine.evaluate(0.0, [near(0.029)], [fresh()])
    assert notified(events) == [(EventKind.RAISED, Level.CRITICAL)]
    assert "2.9 %" in events[0].message and "3.0 %" in events[0].message
    assert machine.evaluate(1.0, [near(0.031)], [fresh()]) == []  # < 3.15 %
    cleared = machine.evaluate(2.0, [near(0.0315)], [fresh()])
    assert [(e.kind, e.level) for e in cleared] == [(EventKind.CLEARED, Level.OK)]


def test_snooze_holds_back_its_level_is_cancelled_by_a_worse_one_and_expires():
    machine = AlertMachine()
    run(machine, [1.9])
    (snoozed,) = machine.snooze(ACCOUNT, now=1.0, seconds=60.0)
    assert snoozed.kind is EventKind.SNOOZED and snoozed.until == 61.0 and not snoozed.notify
    # Warning clears and comes back under the snooze: logged, not notified.
    events = run(machine, [2.2, 1.9], t0=2.0)
    assert [(e.kind, e.notify) for e in events] == [
        (EventKind.CLEARED, False),
        (EventKind.RAISED, False),
    ]
    # A worse level cancels the snooze and rings at once.
    events = run(machine, [1.2], t0=10.0)
    assert [(e.kind, e.level, e.notify) for e in events] == [
        (EventKind.SNOOZE_CANCELLED, Level.CRITICAL, False),
        (EventKind.ESCALATED, Level.CRITICAL, True),
    ]
    assert ACCOUNT not in machine.state.snoozes


def test_a_level_raised_under_a_snooze_rings_when_the_snooze_expires():
    machine = AlertMachine()
    machine.snooze(ACCOUNT, now=0.0, seconds=30.0, level=Level.CRITICAL)
    events = run(machine, [1.9, 1.2], t0=1.0)
    assert notified(events) == []
    assert run(machine, [1.2], t0=29.0) == []
    events = run(machine, [1.2], t0=30.0)  # the snooze ends at 30.0
    assert [(e.kind, e.notify) for e in events] == [
        (EventKind.SNOOZE_EXPIRED, False),
        (EventKind.RAISED, True),
    ]
    assert events[1].level is Level.CRITICAL
    assert run(machine, [1.2], t0=31.0) == []  # and not again


def test_acknowledge_marks_the_alert_keeps_it_shown_and_a_new_level_resets_it():
    machine = AlertMachine()
    run(machine, [1.9])
    (ack,) = machine.acknowledge(ACCOUNT, now=1.0)
    assert ack.kind is EventKind.ACKNOWLEDGED and not ack.notify
    state = machine.state.subjects[ACCOUNT]
    assert state.acknowledged and state.shown_level is Level.WARNING
    assert machine.acknowledge(ACCOUNT, now=2.0) == []  # nothing new to acknowledge
    run(machine, [1.2], t0=3.0)
    assert not machine.state.subjects[ACCOUNT].acknowledged


def test_stale_data_is_an_alert_and_no_level_is_read_from_it():
    machine = AlertMachine()
    machine.evaluate(0.0, [pool(3.0)], [fresh(age=0.0)])
    # Interval 5 s: 3 intervals = 15 s, so the 30 s floor is the stale window.
    assert machine.evaluate(29.0, [pool(3.0)], [fresh(age=29.0)]) == []
    events = machine.evaluate(30.0, [pool(3.0)], [fresh(age=30.0)])
    assert [(e.kind, e.notify, e.level) for e in events] == [(EventKind.STALE, True, Level.WARNING)]
    subject = machine.state.subjects[ACCOUNT]
    assert subject.shown_level is None and subject.health is None and not subject.known
    # Old figures that look alarming (or healthy) are not read while stale.
    assert machine.evaluate(31.0, [pool(0.5)], [fresh(age=31.0)]) == []
    events = machine.evaluate(32.0, [pool(1.9)], [fresh(age=0.0)])
    assert [(e.kind, e.notify) for e in events] == [
        (EventKind.FRESH, True),
        (EventKind.RAISED, True),
    ]


def test_stale_window_is_three_intervals_when_longer_than_the_floor_and_configurable():
    slow = AccountFeed(ACCOUNT, "binance-main", interval=20.0, age=59.0)
    machine = AlertMachine()
    assert machine.evaluate(0.0, [pool(3.0)], [slow]) == []
    events = machine.evaluate(1.0, [pool(3.0)], [AccountFeed(ACCOUNT, "b", 20.0, 60.0)])
    assert [e.kind for e in events] == [EventKind.STALE]
    strict = AlertMachine(AlertRules(stale_intervals=2.0, stale_min_seconds=5.0))
    assert [e.kind for e in strict.evaluate(0.0, [pool(3.0)], [fresh(age=10.0)])] == [
        EventKind.STALE
    ]


def test_an_account_that_never_answered_goes_stale_from_when_it_was_first_seen():
    machine = AlertMachine()
    assert machine.evaluate(100.0, [], [fresh(age=None)]) == []
    events = machine.evaluate(130.0, [], [fresh(age=None)])
    assert [e.kind for e in events] == [EventKind.STALE]
    assert "no good data yet" in events[0].message


def test_stale_alert_carries_the_last_known_level_when_worse():
    machine = AlertMachine()
    machine.evaluate(0.0, [pool(1.2)], [fresh()])
    (stale,) = machine.evaluate(40.0, [pool(1.2)], [fresh(age=40.0)])
    assert stale.level is Level.CRITICAL and "last known level critical" in stale.message


def test_source_errors_are_logged_and_disagreement_notifies_once():
    machine = AlertMachine()
    events = machine.evaluate(0.0, [pool(3.0)], [fresh(error="timeout")])
    assert [(e.kind, e.notify) for e in events] == [(EventKind.SOURCE_ERROR, False)]
    events = machine.evaluate(1.0, [pool(3.0)], [fresh(error="HTTP 502")])
    assert [(e.kind, e.message) for e in events] == [
        (EventKind.SOURCE_ERROR, "binance-main: source error — HTTP 502")
    ]
    events = machine.evaluate(2.0, [pool(3.0)], [fresh(disagreement="health 1.9 vs 2.4")])
    assert [(e.kind, e.notify) for e in events] == [
        (EventKind.SOURCE_RECOVERED, False),
        (EventKind.DISAGREEMENT, True),
    ]
    events = machine.evaluate(3.0, [pool(3.0)], [fresh(disagreement="health 1.8 vs 2.4")])
    assert [(e.kind, e.notify) for e in events] == [(EventKind.DISAGREEMENT, False)]
    events = machine.evaluate(4.0, [pool(3.0)], [fresh()])
    assert [e.kind for e in events] == [EventKind.DISAGREEMENT_RESOLVED]


def test_positions_are_subjects_of_their_own_and_closing_one_ends_its_alerts():
    machine = AlertMachine()
    position = SubjectReading(POSITION, ACCOUNT, "binance-main BTC long", 1.1, LIMITS, 0.05)
    events = machine.evaluate(0.0, [pool(3.0), position], [fresh()])
    assert [(e.subject, e.level) for e in events] == [(POSITION, Level.CRITICAL)]
    machine.snooze(POSITION, 1.0, 60.0)
    assert machine.state.snoozed(POSITION, Level.CRITICAL, 2.0)
    assert not machine.state.snoozed(ACCOUNT, Level.WARNING, 2.0)
    events = machine.evaluate(3.0, [pool(3.0)], [fresh()])
    assert [(e.kind, e.subject, e.previous) for e in events] == [
        (EventKind.REMOVED, POSITION, Level.CRITICAL)
    ]
    assert POSITION not in machine.state.subjects


def test_a_clear_is_not_announced_for_a_level_the_trader_never_heard_of():
    machine = AlertMachine()
    machine.snooze(ACCOUNT, now=0.0, seconds=10.0)
    run(machine, [1.9], t0=1.0)
    events = run(machine, [2.2], t0=20.0)  # snooze over by now
    assert [(e.kind, e.notify) for e in events] == [
        (EventKind.SNOOZE_EXPIRED, False),
        (EventKind.CLEARED, False),
    ]


def test_cancelling_a_snooze_rings_for_what_it_held_back():
    machine = AlertMachine()
    machine.snooze(ACCOUNT, now=0.0, seconds=600.0)
    run(machine, [1.9], t0=1.0)
    (cancel,) = machine.cancel_snooze(ACCOUNT, now=5.0)
    assert cancel.notify and cancel.level is Level.WARNING
    assert run(machine, [1.9], t0=6.0) == []


def test_rules_reject_nonsense():
    with pytest.raises(ValueError):
        AlertRules(hysteresis=-0.1)
    with pytest.raises(ValueError):
        AlertRules(hysteresis=float("nan"))
    with pytest.raises(ValueError):
        AlertMachine().snooze(ACCOUNT, 0.0, 0.0)


def test_a_failed_fetch_inside_the_stale_window_keeps_the_last_verdict():
    machine = AlertMachine()
    machine.evaluate(0.0, [pool(1.9)], [fresh()])
    before = machine.state.subjects[ACCOUNT]
    # The service has no book this time (fetch failed), but the data is not stale yet.
    events = machine.evaluate(5.0, [], [fresh(age=10.0, error="timeout")])
    assert [e.kind for e in events] == [EventKind.SOURCE_ERROR]  # nothing removed or cleared
    assert machine.state.subjects[ACCOUNT] == before


def test_stale_lasts_until_figures_arrive_not_just_until_the_age_is_small():
    machine = AlertMachine()
    machine.evaluate(0.0, [pool(1.9)], [fresh()])
    machine.evaluate(40.0, [], [fresh(age=40.0)])
    assert machine.evaluate(41.0, [], [fresh(age=0.5)]) == []  # no book yet: still stale
    assert machine.state.feeds[ACCOUNT].stale
    events = machine.evaluate(42.0, [pool(1.9)], [fresh(age=0.5)])
    assert [e.kind for e in events] == [EventKind.FRESH]  # same warning: not rung again
    assert machine.state.subjects[ACCOUNT].shown_level is Level.WARNING
