"""Account-wide alerts about the data itself: stale, source errors, exchange disagreement."""

from __future__ import annotations

from dataclasses import replace

from monitor.domain.alert_model import (
    AccountFeed,
    AlertEvent,
    AlertRules,
    AlertState,
    EventKind,
    FeedState,
)
from monitor.domain.alert_text import stale_text
from monitor.domain.report import Level


def update_feed(
    prev: FeedState | None,
    feed: AccountFeed,
    now: float,
    rules: AlertRules,
    state: AlertState,
    has_book: bool,
) -> tuple[FeedState, list[AlertEvent]]:
    """Next feed state of one account; `state` is the previous machine state (snoozes current).

    A stale account stays stale until figures arrive (`has_book`), not merely a recent age:
    "fresh again" must mean the trader sees current figures.
    """
    current = prev or FeedState(feed.account, feed.label, first_seen=now)
    events: list[AlertEvent] = []

    def emit(kind: EventKind, level: Level, message: str, notify: bool) -> None:
        quiet = state.snoozed(feed.account, level, now)
        events.append(
            AlertEvent(kind, feed.account, feed.account, level, message, now, notify and not quiet)
        )

    # An account that never had a good refresh counts from when we started watching it.
    age = feed.age if feed.age is not None else now - current.first_seen
    window = rules.stale_after(feed.interval)
    stale = age >= window or (current.stale and not has_book)
    stale_notified = current.stale_notified
    if stale and not current.stale:
        last = state.account_level(feed.account)
        level = max(rules.stale_level, last)
        emit(EventKind.STALE, level, stale_text(feed.label, feed.age, window, last), True)
        stale_notified = events[-1].notify
    elif current.stale and not stale:
        # Tell of fresh data only if we told the trader it had gone.
        text = f"{feed.label}: fresh data again"
        emit(EventKind.FRESH, Level.OK, text, current.stale_notified)
        stale_notified = False

    if feed.error != current.error:
        if feed.error is None:
            emit(EventKind.SOURCE_RECOVERED, Level.OK, f"{feed.label}: source answers again", False)
        else:
            first = current.error is None
            text = f"{feed.label}: source error — {feed.error}"
            notify = first and rules.notify_source_errors
            emit(EventKind.SOURCE_ERROR, rules.feed_level, text, notify)

    if feed.disagreement != current.disagreement:
        if feed.disagreement is None:
            text = f"{feed.label}: exchange figures agree again"
            emit(EventKind.DISAGREEMENT_RESOLVED, Level.OK, text, False)
        else:
            first = current.disagreement is None
            text = f"{feed.label}: exchange disagrees — {feed.disagreement}"
            notify = first and rules.notify_disagreement
            emit(EventKind.DISAGREEMENT, rules.feed_level, text, notify)

    changed = bool(events)
    return (
        replace(
            current,
            label=feed.label,
            stale=stale,
            stale_notified=stale_notified,
            error=feed.error,
            disagreement=feed.disagreement,
            acknowledged=current.acknowledged and not changed,
        ),
        events,
    )
