"""What the trader does to alerts: snooze, cancel a snooze, acknowledge. Pure functions."""

from __future__ import annotations

from dataclasses import replace

from monitor.domain.alert_model import AlertEvent, AlertState, EventKind, Snooze
from monitor.domain.alert_text import duration_text
from monitor.domain.report import Level


def snooze(
    state: AlertState, key: str, now: float, seconds: float, level: Level | None = None
) -> tuple[AlertState, list[AlertEvent]]:
    """Hold back notifications of `key` at `level` or better for `seconds`.

    `level` defaults to, and is raised to at least, the subject's current level (warning if
    it is ok). Snoozing an account key also covers its stale alert.
    """
    if seconds <= 0:
        raise ValueError(f"snooze needs a positive duration, got {seconds}")
    subject = state.subjects.get(key)
    current = subject.level if subject else Level.OK
    # Never below the current level: a snooze always covers the alert the trader is looking at.
    held_back = max(level or Level.OK, current, Level.WARNING)
    until = now + seconds
    snoozes = dict(state.snoozes)
    snoozes[key] = Snooze(held_back, until)
    label = _label(state, key)
    event = AlertEvent(
        kind=EventKind.SNOOZED,
        subject=key,
        account=subject.account if subject else key,
        level=current,
        message=f"{label}: {held_back.label} alerts snoozed for {duration_text(seconds)}",
        at=now,
        notify=False,
        until=until,
    )
    return replace(state, snoozes=snoozes), [event]


def cancel_snooze(state: AlertState, key: str, now: float) -> tuple[AlertState, list[AlertEvent]]:
    """End a snooze early; a level raised under it notifies now."""
    if key not in state.snoozes:
        return state, []
    snoozes = dict(state.snoozes)
    old = snoozes.pop(key)
    subject = state.subjects.get(key)
    subjects = dict(state.subjects)
    pending = subject is not None and subject.known and subject.level > subject.notified
    if subject is not None and pending:
        subjects[key] = replace(subject, notified=subject.level)
    label = _label(state, key)
    text = f"{label}: snooze cancelled" + (
        f" — still {subject.level.label}" if subject is not None and pending else ""
    )
    event = AlertEvent(
        kind=EventKind.SNOOZE_CANCELLED,
        subject=key,
        account=subject.account if subject else key,
        level=subject.level if subject else old.level,
        message=text,
        at=now,
        notify=pending,
        until=old.until,
    )
    return replace(state, snoozes=snoozes, subjects=subjects), [event]


def acknowledge(state: AlertState, key: str, now: float) -> tuple[AlertState, list[AlertEvent]]:
    """Mark the subject's current alert (and, for an account key, its feed alerts) as seen.

    Nothing changes and no event is returned when there is no active alert to acknowledge.
    """
    subjects = dict(state.subjects)
    feeds = dict(state.feeds)
    subject = subjects.get(key)
    feed = feeds.get(key)
    level_active = subject is not None and subject.level > Level.OK and not subject.acknowledged
    feed_active = (
        feed is not None
        and not feed.acknowledged
        and bool(feed.stale or feed.error or feed.disagreement)
    )
    if not (level_active or feed_active):
        return state, []
    if subject is not None and level_active:
        subjects[key] = replace(subject, acknowledged=True)
    if feed is not None and feed_active:
        feeds[key] = replace(feed, acknowledged=True)
    level = subject.level if subject else Level.OK
    event = AlertEvent(
        kind=EventKind.ACKNOWLEDGED,
        subject=key,
        account=subject.account if subject else key,
        level=level,
        message=f"{_label(state, key)}: alert acknowledged",
        at=now,
        notify=False,
    )
    return replace(state, subjects=subjects, feeds=feeds), [event]


def _label(state: AlertState, key: str) -> str:
    if key in state.subjects:
        return state.subjects[key].label
    if key in state.feeds:
        return state.feeds[key].label
    return key
