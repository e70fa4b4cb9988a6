"""The alert state machine: pure and deterministic; the time is always passed in.

Each recompute the service calls `evaluate(state, now, readings, feeds, rules)` and gets the
next state and every transition. Every event is meant to be logged; `event.notify` says
whether it should also ring (sound, webhook). Rules, in order of importance:

* A level is raised or escalated in the very evaluation that reaches it, and notifies then
  unless the subject is snoozed at that level or worse. A worse level always notifies.
* A subject's level is the worse of its health level and its move level (the market move
  that liquidates it against the account's move thresholds): `report.level_for`, the engine's
  own rule.
* A level clears only when health rises to threshold * (1 + hysteresis) or above, and the
  move that liquidates to its move threshold * (1 + hysteresis), so boundary noise cannot flap.
* The same level never notifies twice unless it cleared in between.
* Stale data makes the account's figures unknown: no level is computed from it, and the
  stale condition is an alert of its own. The held level survives the gap for hysteresis.
* A snooze holds back notifications at or below its level until it expires; a worse level
  cancels it. A level raised while snoozed notifies when the snooze expires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from monitor.domain.alert_commands import acknowledge, cancel_snooze, snooze
from monitor.domain.alert_feed import update_feed
from monitor.domain.alert_levels import finite, health_level, move_level, next_level
from monitor.domain.alert_model import (
    AccountFeed,
    AlertEvent,
    AlertRules,
    AlertState,
    EventKind,
    FeedState,
    Snooze,
    SubjectReading,
    SubjectState,
)
from monitor.domain.alert_text import alert_text, clear_text
from monitor.domain.report import Level

DEFAULT_RULES = AlertRules()

__all__ = [
    "DEFAULT_RULES",
    "AccountFeed",
    "AlertEvent",
    "AlertMachine",
    "AlertRules",
    "AlertState",
    "EventKind",
    "FeedState",
    "Snooze",
    "SubjectReading",
    "SubjectState",
    "acknowledge",
    "cancel_snooze",
    "evaluate",
    "health_level",
    "move_level",
    "next_level",
    "snooze",
]


def evaluate(
    state: AlertState,
    now: float,
    readings: Iterable[SubjectReading],
    feeds: Iterable[AccountFeed] = (),
    rules: AlertRules = DEFAULT_RULES,
) -> tuple[AlertState, list[AlertEvent]]:
    """One recompute.

    `readings`: every pool and isolated position whose figures the service has (readings of
    a stale account are ignored, so passing them is harmless). A subject missing from
    `readings` is closed, unless its account has a feed but no readings at all this time
    (then its state is kept). `feeds`: one per account; accounts without one are taken as
    always fresh (e.g. manual books).
    """
    events: list[AlertEvent] = []
    snoozes = dict(state.snoozes)
    expired = {key: s for key, s in snoozes.items() if now >= s.until}
    for key in expired:
        del snoozes[key]
    state = replace(state, snoozes=snoozes)

    readings = list(readings)
    read_accounts = {reading.account for reading in readings}
    feed_states: dict[str, FeedState] = {}
    for feed in feeds:
        has_book = feed.account in read_accounts
        feed_states[feed.account], feed_events = update_feed(
            state.feeds.get(feed.account), feed, now, rules, state, has_book
        )
        events.extend(feed_events)
    stale = {account for account, f in feed_states.items() if f.stale}
    for key, ended in expired.items():
        events.append(_expiry(key, ended, state.subjects, feed_states, now))

    subjects: dict[str, SubjectState] = {}
    seen: set[str] = set()
    for reading in readings:
        seen.add(reading.key)
        prev = state.subjects.get(reading.key)
        if reading.account in stale:
            subjects[reading.key] = _unknown(prev, reading, now)
            continue
        if reading.unknown is not None:
            subjects[reading.key] = _cannot_judge(prev, reading, now, rules, state, events)
            continue
        if prev is not None and prev.unknown is not None:
            # Tell of known figures again only if the trader was told they were unknown.
            text = f"{reading.label}: figures known again"
            events.append(
                _event(EventKind.KNOWN, prev, prev.level, text, now, prev.unknown_notified)
            )
        subjects[reading.key] = _step_subject(prev, reading, now, rules, snoozes, events)

    for key, prev in state.subjects.items():
        if key in seen:
            continue
        if prev.account in stale:
            subjects[key] = replace(prev, known=False, health=None, distance=None)
        elif prev.account in feed_states and prev.account not in read_accounts:
            # A feed but no book this time (a failed fetch inside the stale window): the
            # last verdict stands until new figures come or the stale window runs out.
            subjects[key] = prev
        else:
            events.append(_removed(prev, now))  # closed, or the account left the book

    _catch_up(subjects, snoozes, events, now)
    return AlertState(subjects=subjects, feeds=feed_states, snoozes=snoozes), events


def _expiry(
    key: str,
    ended: Snooze,
    subjects: Mapping[str, SubjectState],
    feed_states: dict[str, FeedState],
    now: float,
) -> AlertEvent:
    """Log a snooze's end; a stale alert held back by it notifies now."""
    subject = subjects.get(key)
    feed = feed_states.get(key)
    pending = feed is not None and feed.stale and not feed.stale_notified
    if feed is not None and pending:
        feed_states[key] = replace(feed, stale_notified=True)
    label = subject.label if subject else feed.label if feed else key
    return AlertEvent(
        kind=EventKind.SNOOZE_EXPIRED,
        subject=key,
        account=subject.account if subject else key,
        level=subject.level if subject else ended.level,  # severity of what was held back
        message=f"{label}: snooze ended" + (" — data still stale" if pending else ""),
        at=now,
        notify=pending,
        until=ended.until,
    )


def _catch_up(
    subjects: dict[str, SubjectState],
    snoozes: dict[str, Snooze],
    events: list[AlertEvent],
    now: float,
) -> None:
    """Ring for levels raised under a snooze that no longer holds them back.

    The snooze's end (expiry, cancellation) is the reminder: the trader was never told.
    """
    for key, subject in subjects.items():
        snooze = snoozes.get(key)
        held_back = snooze is not None and subject.level <= snooze.level
        if not subject.known or held_back or subject.level <= subject.notified:
            continue
        subjects[key] = replace(subject, notified=subject.level)
        text = f"{subject.label}: {subject.level.label} (raised while snoozed) — " + (
            "no maintenance" if subject.health is None else f"health {subject.health:.2f}"
        )
        events.append(_event(EventKind.RAISED, subject, subject.level, text, now, True))


def _unknown(prev: SubjectState | None, reading: SubjectReading, now: float) -> SubjectState:
    if prev is None:
        return SubjectState(
            reading.key, reading.account, reading.label, Level.OK, False, None, None, now
        )
    return replace(prev, label=reading.label, known=False, health=None, distance=None)


def _cannot_judge(
    prev: SubjectState | None,
    reading: SubjectReading,
    now: float,
    rules: AlertRules,
    state: AlertState,
    events: list[AlertEvent],
) -> SubjectState:
    """A subject whose figures cannot be computed: unknown with its reason, an alert of its
    own when it becomes so (never OK, never silent). The held level survives for hysteresis."""
    subject = _unknown(prev, reading, now)
    if prev is not None and prev.unknown is not None:
        return replace(subject, unknown=reading.unknown, unknown_notified=prev.unknown_notified)
    level = max(rules.stale_level, subject.level)
    quiet = state.snoozed(reading.key, level, now)
    text = f"{reading.label}: figures unknown — {reading.unknown}"
    events.append(_event(EventKind.UNKNOWN, subject, level, text, now, not quiet))
    return replace(subject, unknown=reading.unknown, unknown_notified=not quiet)


def _step_subject(
    prev: SubjectState | None,
    reading: SubjectReading,
    now: float,
    rules: AlertRules,
    snoozes: dict[str, Snooze],
    events: list[AlertEvent],
) -> SubjectState:
    """Next state of a subject with fresh data; appends its events. Edits `snoozes` in place."""
    held = prev.level if prev else Level.OK
    level = next_level(held, reading, rules)
    subject = SubjectState(
        key=reading.key,
        account=reading.account,
        label=reading.label,
        level=level,
        known=True,
        health=finite(reading.health),
        distance=finite(reading.distance),
        since=prev.since if prev and level == held else now,
        acknowledged=bool(prev and prev.acknowledged and level == held),
        notified=min(prev.notified, level) if prev else Level.OK,
    )
    if level == held:
        return subject

    snooze = snoozes.get(reading.key)
    if snooze is not None and level > snooze.level:
        del snoozes[reading.key]
        text = f"{reading.label}: snooze cancelled — worsened to {level.label}"
        events.append(_event(EventKind.SNOOZE_CANCELLED, subject, level, text, now, False))
        snooze = None
    quiet = snooze is not None and level <= snooze.level

    if level < held:
        # Tell of a clear only if the trader was told of the level that cleared.
        told = prev is not None and held <= prev.notified
        notify = rules.notify_clears and not quiet and told
        text = clear_text(reading, held, level)
        events.append(_event(EventKind.CLEARED, subject, level, text, now, notify, held))
        return subject

    kind = EventKind.RAISED if held is Level.OK else EventKind.ESCALATED
    notify = level > subject.notified and not quiet
    text = alert_text(reading, level, health_level(reading), move_level(reading))
    if quiet:
        text += " (snoozed)"
    events.append(_event(kind, subject, level, text, now, notify, held))
    return replace(subject, notified=level) if notify else subject


def _removed(prev: SubjectState, now: float) -> AlertEvent:
    text = f"{prev.label}: no longer in the book — its alerts end"
    return _event(EventKind.REMOVED, prev, Level.OK, text, now, False, prev.level)


def _event(
    kind: EventKind,
    subject: SubjectState,
    level: Level,
    message: str,
    now: float,
    notify: bool,
    previous: Level | None = None,
) -> AlertEvent:
    return AlertEvent(
        kind=kind,
        subject=subject.key,
        account=subject.account,
        level=level,
        message=message,
        at=now,
        notify=notify,
        previous=previous,
        health=subject.health,
    )


class AlertMachine:
    """Convenience holder of the state for a single-threaded owner (the service loop)."""

    def __init__(self, rules: AlertRules = DEFAULT_RULES) -> None:
        self.rules = rules
        self.state = AlertState()

    def evaluate(
        self, now: float, readings: Iterable[SubjectReading], feeds: Iterable[AccountFeed] = ()
    ) -> list[AlertEvent]:
        self.state, events = evaluate(self.state, now, readings, feeds, self.rules)
        return events

    def snooze(
        self, key: str, now: float, seconds: float, level: Level | None = None
    ) -> list[AlertEvent]:
        self.state, events = snooze(self.state, key, now, seconds, level)
        return events

    def cancel_snooze(self, key: str, now: float) -> list[AlertEvent]:
        self.state, events = cancel_snooze(self.state, key, now)
        return events

    def acknowledge(self, key: str, now: float) -> list[AlertEvent]:
        self.state, events = acknowledge(self.state, key, now)
        return events
