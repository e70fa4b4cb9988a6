"""Inputs, outputs and state of the alert state machine (see alerts.py); plain immutable data.

Subjects are keyed by strings the service chooses: an account's pool by the account key
(e.g. "7"), an isolated position by "account:symbol:side" (e.g. "7:BTC/USDT:USDT:long").
Data freshness, source errors and exchange disagreement belong to the account, so they
arrive once per account as an `AccountFeed` and are reported on the account's key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from monitor.domain.model import Thresholds
from monitor.domain.report import Level


class EventKind(StrEnum):
    RAISED = "raised"  # OK -> a level
    ESCALATED = "escalated"  # a level -> a worse level
    CLEARED = "cleared"  # a level -> a better level (OK or a lower alert level)
    STALE = "stale"  # no good refresh for the stale window: figures are unknown
    FRESH = "fresh"  # good data again after a stale gap
    SOURCE_ERROR = "source_error"  # the last fetch failed (or its reason changed)
    SOURCE_RECOVERED = "source_recovered"
    DISAGREEMENT = "disagreement"  # the venue's own figures differ from ours
    DISAGREEMENT_RESOLVED = "disagreement_resolved"
    SNOOZED = "snoozed"
    SNOOZE_CANCELLED = "snooze_cancelled"  # by the trader, or because the level worsened
    SNOOZE_EXPIRED = "snooze_expired"  # notifies if a level was raised while snoozed
    UNKNOWN = "unknown"  # a pool's or position's figures cannot be computed (the reason told)
    KNOWN = "known"  # its figures can be computed again
    ACKNOWLEDGED = "acknowledged"
    REMOVED = "removed"  # the position closed or the account left the book
    # The odds of liquidation within the horizon rose to the account's probability alert
    # (the risk job's ProbabilityAlarm), and fell clearly back below it.
    PROBABILITY = "probability"
    PROBABILITY_CLEARED = "probability_cleared"


@dataclass(frozen=True)
class AlertRules:
    """How alerts behave, beyond the per-account thresholds (health and the move that
    liquidates: `Thresholds`)."""

    # A level clears only when health, and the move that liquidates, rise to their threshold
    # * (1 + hysteresis) or above, so noise around a threshold does not flap (warning 2.0
    # clears at >= 2.1; a 1 % critical move at >= 1.05 %).
    hysteresis: float = 0.05
    # Stale when no good refresh for max(stale_intervals * interval, stale_min_seconds).
    stale_intervals: float = 3.0
    stale_min_seconds: float = 30.0
    # Severity of a stale alert when the account held no worse level before going quiet.
    stale_level: Level = Level.WARNING
    feed_level: Level = Level.WARNING  # severity of source errors and disagreements
    notify_clears: bool = True
    # A single failed fetch is routine; the stale alert follows if failures persist.
    notify_source_errors: bool = False
    notify_disagreement: bool = True

    def __post_init__(self) -> None:
        if not (self.hysteresis >= 0 and math.isfinite(self.hysteresis)):
            raise ValueError(f"hysteresis must be a finite fraction >= 0, got {self.hysteresis}")
        if self.stale_intervals <= 0 or self.stale_min_seconds < 0:
            raise ValueError("stale_intervals must be > 0 and stale_min_seconds >= 0")

    def stale_after(self, interval: float) -> float:
        return max(self.stale_intervals * interval, self.stale_min_seconds)


@dataclass(frozen=True)
class SubjectReading:
    """One pool or isolated position as the engine saw it in this recompute."""

    key: str
    account: str  # key of the account it belongs to (its AccountFeed)
    label: str  # for the trader: "binance-main" or "binance-main BTC/USDT long"
    health: float | None  # None (or NaN): no maintenance requirement, nothing at risk
    thresholds: Thresholds
    # The market move that liquidates, fraction of the mark (0.041): a pool's nearer uniform
    # move, an isolated position's distance to liquidation. Judged by the thresholds' move
    # levels.
    distance: float | None = None
    direction: str = "moves"  # "falls" / "rises": which way the market must go to liquidate
    # Seconds to liquidation at the pace the move shrank over the last minute (the service
    # measures it; None: not shrinking, or not measured). Told in the alert text only.
    eta_seconds: float | None = None
    # Why its figures cannot be computed (a mark of 0, no maintenance table); None: they
    # can. An unknown subject has no level from this reading: it is an alert of its own.
    unknown: str | None = None


@dataclass(frozen=True)
class AccountFeed:
    """Freshness and health of an account's data source in this recompute."""

    account: str
    label: str
    interval: float  # seconds between refreshes
    age: float | None  # seconds since the last good refresh; None: none yet
    error: str | None = None  # why the last fetch failed, in words for the trader
    disagreement: str | None = None  # the venue's figures differ from ours, in words


@dataclass(frozen=True)
class AlertEvent:
    """One transition. Every event is meant to be stored; `notify` says whether to ring."""

    kind: EventKind
    subject: str
    account: str
    level: Level  # the subject's level after the event (the alert's severity for feed events)
    message: str
    at: float
    notify: bool
    previous: Level | None = None  # level before, for level transitions
    until: float | None = None  # end of a snooze
    health: float | None = None


@dataclass(frozen=True)
class Snooze:
    level: Level  # notifications at this level or better are held back
    until: float


@dataclass(frozen=True)
class SubjectState:
    key: str
    account: str
    label: str
    level: Level  # held level; kept through stale gaps so hysteresis survives them
    known: bool  # False while the account's data is stale: level and figures are not current
    health: float | None  # None while unknown
    distance: float | None
    since: float  # when the current level began
    acknowledged: bool = False
    # Highest level the trader has been notified of since the level last dropped below it.
    notified: Level = Level.OK
    # Why its figures are unknown, when the engine could not compute them (not when the
    # account is merely stale: that is its feed's alert).
    unknown: str | None = None
    unknown_notified: bool = False

    @property
    def shown_level(self) -> Level | None:
        """What a front end may show as current: None (unknown) while stale."""
        return self.level if self.known else None


@dataclass(frozen=True)
class FeedState:
    account: str
    label: str
    first_seen: float  # stands in for the last good refresh of an account that never had one
    stale: bool = False
    stale_notified: bool = False
    error: str | None = None
    disagreement: str | None = None
    acknowledged: bool = False


@dataclass(frozen=True)
class AlertState:
    subjects: Mapping[str, SubjectState] = field(default_factory=dict)
    feeds: Mapping[str, FeedState] = field(default_factory=dict)
    snoozes: Mapping[str, Snooze] = field(default_factory=dict)

    def account_level(self, account: str) -> Level:
        """Worst held level among the account's subjects (OK if none)."""
        return max(
            (s.level for s in self.subjects.values() if s.account == account), default=Level.OK
        )

    def snoozed(self, key: str, level: Level, now: float) -> bool:
        snooze = self.snoozes.get(key)
        return snooze is not None and now < snooze.until and level <= snooze.level
