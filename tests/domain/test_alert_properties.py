"""Properties of the alert state machine under random health paths, snoozes, acks and gaps.

The truth each evaluation is checked against is computed here from `level_for` of the health
alone (the engine's own health rule in report.py) and the stated move rule (move <= the
account's move threshold), never from the machine's helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.domain.alerts import (
    AccountFeed,
    AlertEvent,
    AlertMachine,
    AlertRules,
    AlertState,
    EventKind,
    SubjectReading,
)
from monitor.domain.model import Thresholds
from monitor.domain.report import Level, level_for

ACCOUNT = "a"
POSITION = "a:ETH/USDT:USDT:short"
KEYS = (ACCOUNT, POSITION)
ALERT_LEVELS = (Level.WARNING, Level.CRITICAL, Level.LIQUIDATION)
INTERVAL = 5.0
STALE_AFTER = 30.0  # max(3 * 5 s, 30 s) with the default rules
LEVEL_CHANGES = {EventKind.RAISED, EventKind.ESCALATED, EventKind.CLEARED}


@dataclass(frozen=True)
class Evaluate:
    dt: float
    health: dict[str, float | None]
    distance: dict[str, float | None]
    age: float
    omit: bool  # the service had no book for the account this time (a failed fetch)


@dataclass(frozen=True)
class Snooze:
    key: str
    seconds: float
    level: Level | None


@dataclass(frozen=True)
class Command:
    name: str  # "ack" | "cancel"
    key: str


def threshold(level: Level, t: Thresholds) -> float:
    return {Level.WARNING: t.warning, Level.CRITICAL: t.critical, Level.LIQUIDATION: t.liquidation}[
        level
    ]


def move_threshold(level: Level, t: Thresholds) -> float:
    """The move threshold of a level the move can raise (warning, critical)."""
    return {Level.WARNING: t.move_warning, Level.CRITICAL: t.move_critical}[level]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Thresholds, AlertRules, list[object]]:
    liquidation = draw(st.floats(0.8, 1.2))
    critical = liquidation + draw(st.sampled_from([0.0, 0.05, 0.25, 0.5]))
    warning = critical + draw(st.sampled_from([0.0, 0.1, 0.75, 1.0]))
    move_critical = draw(st.sampled_from([0.005, 0.01, 0.03]))
    move_warning = move_critical + draw(st.sampled_from([0.0, 0.02, 0.07]))
    limits = Thresholds(
        warning=warning,
        critical=critical,
        liquidation=liquidation,
        move_warning=move_warning,
        move_critical=move_critical,
    )
    margin = draw(st.sampled_from([0.0, 0.01, 0.05, 0.2]))
    rules = AlertRules(hysteresis=margin)
    # Health values crowd the thresholds and their clear lines, with noise either side.
    lines = [threshold(lv, limits) * f for lv in ALERT_LEVELS for f in (1.0, 1.0 + margin)]
    near = st.builds(
        lambda line, noise: line * (1.0 + noise),
        st.sampled_from(lines),
        st.sampled_from([0.0, -1e-9, 1e-9, -0.004, 0.004, -0.03, 0.03]),
    )
    health = st.one_of(st.none(), st.floats(0.3, 5.0), near, near, near, near)
    d_lines = [move * f for move in (move_critical, move_warning) for f in (1.0, 1.0 + margin)]
    d_near = st.builds(
        lambda line, noise: line * (1.0 + noise),
        st.sampled_from(d_lines),
        st.sampled_from([0.0, -1e-9, 1e-9, -0.004, 0.004, -0.03, 0.03]),
    )
    distance = st.one_of(st.none(), d_near, d_near, st.floats(-0.01, 0.2))
    evaluate = st.builds(
        Evaluate,
        dt=st.sampled_from([0.5, 1.0, 5.0, 20.0]),
        health=st.fixed_dictionaries({k: health for k in KEYS}),
        distance=st.fixed_dictionaries({k: distance for k in KEYS}),
        # Mostly fresh; sometimes around and past the stale window.
        age=st.one_of(st.floats(0.0, 10.0), st.sampled_from([29.9, STALE_AFTER, 31.0, 120.0])),
    )
    snooze = st.builds(
        Snooze,
        key=st.sampled_from(KEYS),
        seconds=st.sampled_from([1.0, 10.0, 60.0]),
        level=st.one_of(st.none(), st.sampled_from(ALERT_LEVELS)),
    )
    command = st.builds(Command, name=st.sampled_from(["ack", "cancel"]), key=st.sampled_from(KEYS))
    steps = draw(
        st.lists(st.one_of(evaluate, evaluate, evaluate, snooze, command), min_size=1, max_size=60)
    )
    return limits, rules, steps


def truth(health: float | None, distance: float | None, limits: Thresholds) -> Level:
    by_move = Level.OK
    if distance is not None and distance <= limits.move_critical:
        by_move = Level.CRITICAL
    elif distance is not None and distance <= limits.move_warning:
        by_move = Level.WARNING
    return max(level_for(health, limits), by_move)


class Auditor:
    """Replays a scenario and checks the invariants after every step."""

    def __init__(self, limits: Thresholds, rules: AlertRules) -> None:
        self.limits, self.rules = limits, rules
        self.machine = AlertMachine(rules)
        self.now = 0.0
        # Levels each subject has been notified of since they last cleared.
        self.told: dict[str, set[Level]] = {k: set() for k in KEYS}

    def run(self, steps: list[object]) -> None:
        for step in steps:
            before = self.machine.state
            if isinstance(step, Evaluate):
                self.now += step.dt
                events = self.evaluate(step, before)
            elif isinstance(step, Snooze):
                events = self.machine.snooze(step.key, self.now, step.seconds, step.level)
                assert [e.kind for e in events] == [EventKind.SNOOZED]
            elif isinstance(step, Command) and step.name == "ack":
                events = self.machine.acknowledge(step.key, self.now)
            else:
                assert isinstance(step, Command)
                events = self.machine.cancel_snooze(step.key, self.now)
            for event in events:
                assert event.at == self.now
            self.check_told(events)
            self.check_logged(before, self.machine.state, events)
            self.check_snoozes(self.machine.state)

    def check_snoozes(self, state: AlertState) -> None:
        for key, subject in state.subjects.items():
            snooze = state.snoozes.get(key)
            # A worse level than the snooze's cancels it.
            assert snooze is None or not subject.known or subject.level <= snooze.level
            covered = snooze is not None and self.now < snooze.until
            if subject.known and subject.level > Level.OK and not covered:
                # Once no snooze holds it back, the trader has heard of the current level.
                assert subject.level in self.told[key], (subject, self.told[key])

    def evaluate(self, step: Evaluate, before: AlertState) -> list[AlertEvent]:
        readings = [
            SubjectReading(k, ACCOUNT, k, step.health[k], self.limits, step.distance[k])
            for k in KEYS
            if not step.omit
        ]
        feed = AccountFeed(ACCOUNT, "acct", INTERVAL, step.age)
        events = self.machine.evaluate(self.now, readings, [feed])
        after = self.machine.state
        was_stale = ACCOUNT in before.feeds and before.feeds[ACCOUNT].stale
        # Stale past the window, and until figures come back after it.
        stale = step.age >= STALE_AFTER or (was_stale and step.omit)
        assert after.feeds[ACCOUNT].stale == stale
        kinds = [e.kind for e in events if e.subject == ACCOUNT]
        assert (EventKind.STALE in kinds) == (stale and not was_stale)
        for key in KEYS:
            if step.omit and not stale:
                # No figures, not yet stale: the last verdict stands, unchanged (a snooze
                # ending now may still ring for it: `notified` may move).
                old, new = before.subjects.get(key), after.subjects.get(key)
                assert (old is None) == (new is None)
                if old is not None and new is not None:
                    assert replace(old, notified=new.notified) == new
                continue
            if key not in after.subjects:
                assert step.omit and key not in before.subjects
                continue
            subject = after.subjects[key]
            if stale:
                # Figures from stale data are never shown, and no level is read from them.
                assert subject.shown_level is None and subject.health is None
                assert not any(e.subject == key and e.kind in LEVEL_CHANGES for e in events)
                continue
            self.check_fresh(key, step, before, subject.level, events)
        return events

    def check_fresh(
        self, key: str, step: Evaluate, before: AlertState, level: Level, events: list[AlertEvent]
    ) -> None:
        health, distance = step.health[key], step.distance[key]
        now_truth = truth(health, distance, self.limits)
        # Never shows better than the truth.
        assert level >= now_truth
        prev = before.subjects.get(key)
        held = prev.level if prev else Level.OK
        snooze = before.snoozes.get(key)
        covered = snooze is not None and self.now < snooze.until and now_truth <= snooze.level
        if now_truth > held and not covered:
            # A downward crossing into a worse level rings in this very evaluation.
            assert any(e.subject == key and e.notify and e.level >= now_truth for e in events), (
                held,
                now_truth,
                events,
            )
        # Never invents a level, and lets go of every level health and distance are a full
        # margin clear of (the clear rule, stated the other way round).
        assert level <= max(now_truth, held)
        scale = 1.0 + self.rules.hysteresis
        for lv in ALERT_LEVELS:
            health_clear = health is None or health >= threshold(lv, self.limits) * scale
            distance_clear = (
                distance is None
                or lv > Level.CRITICAL  # the move never raises liquidation
                or distance >= move_threshold(lv, self.limits) * scale
            )
            # (With no margin, health exactly on a threshold is still in that level.)
            if health_clear and distance_clear and now_truth < lv:
                assert level < lv, (lv, health, distance, level)
        if level < held:
            # Cleared levels: health and distance rose a full margin above their lines.
            for gone in (lv for lv in ALERT_LEVELS if level < lv <= held):
                if health is not None:
                    assert health >= threshold(gone, self.limits) * scale
                if distance is not None and gone <= Level.CRITICAL:
                    assert distance >= move_threshold(gone, self.limits) * scale

    def check_told(self, events: list[AlertEvent]) -> None:
        for e in events:
            if e.subject not in self.told:
                continue
            told = self.told[e.subject]
            if e.kind in (EventKind.CLEARED, EventKind.REMOVED):
                told.difference_update({lv for lv in ALERT_LEVELS if lv > e.level})
            elif (
                e.notify
                and e.level in ALERT_LEVELS
                and e.kind
                not in (
                    EventKind.STALE,
                    EventKind.FRESH,
                    EventKind.SNOOZE_EXPIRED,  # rings only to remind of a stale feed
                    EventKind.DISAGREEMENT,
                    EventKind.SOURCE_ERROR,
                )
            ):
                assert e.level not in told, f"{e.level} notified twice without a clear: {e}"
                told.update(lv for lv in ALERT_LEVELS if lv <= e.level)

    def check_logged(self, before: AlertState, after: AlertState, events: list[AlertEvent]):
        """Every state change is matched by an event that says so."""
        for key, new in after.subjects.items():
            old = before.subjects.get(key)
            mine = [e for e in events if e.subject == key]
            if old is None:
                if new.level > Level.OK:
                    assert any(e.kind is EventKind.RAISED for e in mine)
                continue
            if new.level != old.level:
                assert any(
                    e.kind in LEVEL_CHANGES and e.previous == old.level and e.level == new.level
                    for e in mine
                ), (old, new, events)
            if new.level != old.level:
                assert not new.acknowledged  # a new level is a new alert
            if new.acknowledged and not old.acknowledged:
                assert any(e.kind is EventKind.ACKNOWLEDGED for e in mine)
            if new.known != old.known:
                wanted = EventKind.FRESH if new.known else EventKind.STALE
                assert any(e.kind is wanted and e.account == new.account for e in events)
        for key in set(before.snoozes) | set(after.snoozes):
            if before.snoozes.get(key) != after.snoozes.get(key):
                kinds = {e.kind for e in events if e.subject == key}
                assert kinds & {
                    EventKind.SNOOZED,
                    EventKind.SNOOZE_CANCELLED,
                    EventKind.SNOOZE_EXPIRED,
                }, (key, events)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_alert_machine_invariants_hold_on_random_paths(scenario):
    limits, rules, steps = scenario
    Auditor(limits, rules).run(steps)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_evaluation_is_deterministic(scenario):
    limits, rules, steps = scenario
    first, second = Auditor(limits, rules), Auditor(limits, rules)
    first.run(steps)
    second.run(steps)
    assert first.machine.state == second.machine.state
