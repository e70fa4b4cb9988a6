"""Which alert events are claimed in the shared database before they are sent, and as what.

Each alert level of a subject runs in episodes: raised (or escalated) to the level opens one,
clearing below it closes it — the domain's rule "the same level never notifies twice unless it
cleared in between", kept across processes. A stale account, a source error, a disagreement
and unknown figures each open an episode of their own family; their clear closes it. The
trader's own actions (snooze, acknowledge) are this window's, never claimed.
"""

from __future__ import annotations

import hashlib

from monitor.domain.alerts import AlertEvent, EventKind
from monitor.domain.report import Level
from monitor.store.deliveries import Transition

_ALERT_LEVELS = (Level.WARNING, Level.CRITICAL, Level.LIQUIDATION)
_OPENS = {
    EventKind.STALE: "stale",
    EventKind.SOURCE_ERROR: "source",
    EventKind.DISAGREEMENT: "disagreement",
    EventKind.UNKNOWN: "unknown",
    EventKind.PROBABILITY: "probability",
}
_CLOSES = {
    EventKind.FRESH: "stale",
    EventKind.SOURCE_RECOVERED: "source",
    EventKind.DISAGREEMENT_RESOLVED: "disagreement",
    EventKind.KNOWN: "unknown",
    EventKind.PROBABILITY_CLEARED: "probability",
}


def level_family(level: Level) -> str:
    return f"at:{level.label}"


def closes_above(account_id: int | None, subject: str, level: Level) -> list[Transition]:
    """Bookkeeping only: the subject is at `level`, so every episode above it has ended."""
    return [
        Transition(account_id, subject, level_family(k), "", False, True, False)
        for k in _ALERT_LEVELS
        if k > level
    ]


Claims = tuple[Transition | None, list[Transition]]


def opens_below(account_id: int | None, subject: str, level: Level, told: bool) -> list[Transition]:
    """The subject reached `level`, so it is at least at each level below: told critical, a
    later "warning" is no news (`told`: the levels below count as delivered too)."""
    return [
        Transition(account_id, subject, level_family(k), "raised", True, False, told)
        for k in _ALERT_LEVELS
        if k < level
    ]


def transitions(event: AlertEvent) -> Claims:
    """The event as the delivery ledger sees it: its own delivery (None: not claimed, sent as
    it comes) and the episodes it ends besides."""
    account_id = int(event.account) if event.account.isdigit() else None
    kind, subject, notify = event.kind, event.subject, event.notify
    if kind in (EventKind.RAISED, EventKind.ESCALATED):
        family = level_family(event.level)
        own = Transition(account_id, subject, family, "raised", True, False, notify)
        return own, opens_below(account_id, subject, event.level, notify)
    if kind is EventKind.CLEARED:
        cleared = event.previous if event.previous is not None else Level.LIQUIDATION
        own = Transition(
            account_id, subject, level_family(max(cleared, Level.WARNING)), "cleared",
            False, True, notify,
        )  # fmt: skip
        return own, closes_above(account_id, subject, event.level)
    if kind is EventKind.REMOVED:  # the position closed: its levels have ended
        return None, closes_above(account_id, subject, Level.OK)
    if kind in _OPENS:
        what = kind.value
        if kind is EventKind.SOURCE_ERROR:  # a new reason is news; the same one is not
            what = "error:" + hashlib.sha256(event.message.encode()).hexdigest()[:16]
        return Transition(account_id, subject, _OPENS[kind], what, True, False, notify), []
    if kind in _CLOSES:
        return Transition(account_id, subject, _CLOSES[kind], kind.value, False, True, notify), []
    return None, []
