"""What the service publishes after every recompute: immutable, safe to hand to another thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from monitor.domain.model import Account, Position, Thresholds
from monitor.domain.report import AccountHealth


class SourceState(str, Enum):
    STARTING = "starting"  # no answer yet
    OK = "ok"
    STALE = "stale"  # last good data is older than the stale window: figures are not current
    ERROR = "error"  # failing, retrying with backoff (last good snapshot kept, marked stale)
    AUTH_FAILED = "auth_failed"  # stopped until the trader fixes the credentials
    MANUAL = "manual"  # positions typed in by the trader; marks may still come from a venue


@dataclass(frozen=True)
class SourceStatus:
    state: SourceState
    last_success: float | None = None  # epoch seconds of the last good fetch
    last_error: str | None = None  # why the last attempt failed, in words for the trader
    next_retry: float | None = None  # epoch seconds

    def age(self, now: float) -> float | None:
        return None if self.last_success is None else max(0.0, now - self.last_success)


@dataclass(frozen=True)
class PositionRef:
    """Identity of a row in the store, parallel to Account.positions."""

    position_id: int | None  # None for live exchange rows (replaced every refresh)
    kind: str  # "live" | "manual" | "hypothetical"
    enabled: bool = True  # hypothetical rows can be switched off


@dataclass(frozen=True)
class AccountSnapshot:
    account_id: int
    name: str
    kind: str  # "exchange" | "manual" | "simulated"
    venue: str | None
    thresholds: Thresholds
    # The book as the engine saw it, hypotheticals that are switched on included.
    account: Account | None
    refs: tuple[PositionRef, ...]
    # Health with hypotheticals on (`health`) and without them (`baseline`), None while unknown.
    health: AccountHealth | None
    baseline: AccountHealth | None
    status: SourceStatus
    # Positions switched off (hypotheticals), so the UI can list them and switch them back on.
    disabled: tuple[tuple[int, Position], ...] = ()
    exchange_disagreement: str | None = None  # set when the venue's own figures differ > 0.5 %
    # Symbols the account's venue quotes, with their latest marks (for what-if positions).
    markets: tuple[tuple[str, float], ...] = ()
    # Seconds between refreshes, and how old data may get before it is stale.
    interval: float = 5.0

    @property
    def known(self) -> bool:
        """Only figures from data inside the stale window may be shown as current."""
        return self.health is not None and self.status.state in (
            SourceState.OK,
            SourceState.MANUAL,
        )


@dataclass(frozen=True)
class Snapshot:
    taken_at: float
    accounts: tuple[AccountSnapshot, ...] = field(default_factory=tuple)
