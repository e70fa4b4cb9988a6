"""What the service publishes after every recompute: immutable, safe to hand to another thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from monitor.domain.dict_init import dict_init
from monitor.domain.model import Account, Position, Thresholds
from monitor.domain.report import AccountHealth, Level

if TYPE_CHECKING:  # the risk job builds on snapshots: a type only, no import at run time
    from monitor.service.risk_job import AccountRisk

# Put before a simulated account's name wherever it is shown or sent (list, header, window
# title, alerts, webhooks): the demo's figures must never be taken for a real account's.
SIMULATED_TAG = "[SIMULATED]"


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
    last_error: str | None = None  # why the last attempt failed, as the library said (cleaned)
    next_retry: float | None = None  # epoch seconds
    # The failure in a trader's words (what failed, what to do; diagnosis.py); None: not
    # diagnosed (e.g. read back from the store), last_error is all there is.
    advice: str | None = None

    def age(self, now: float) -> float | None:
        return None if self.last_success is None else max(0.0, now - self.last_success)


@dataclass(frozen=True)
class PositionRef:
    """Identity of a row in the store, parallel to Account.positions."""

    position_id: int | None  # None for live exchange rows (replaced every refresh)
    kind: str  # "live" | "manual" | "hypothetical"
    enabled: bool = True  # hypothetical rows can be switched off
    mark_typed_at: float | None = None  # when its mark was typed (None: read, or not known)


@dataclass(frozen=True)
class MarkOrigin:
    """Where the marks of one symbol came from, when, and at what price (a position shows
    this origin only while its mark is that price: one typed since is the trader's own)."""

    symbol: str
    source: str  # "stream" | "rest" | "public" (a venue's public ticker)
    at: float  # epoch seconds
    price: float


@dict_init
@dataclass(frozen=True)
class PoolSnapshot:
    """One margin pool of an account: a cross pool per settle currency, or a venue's USD-valued
    multi-asset pool (its isolated positions inside it are judged one by one)."""

    pool: str  # its collateral: "USDT", "USDC", "USD", "BTC"; "" for a bare manual account
    # The book as the engine saw it, hypotheticals that are switched on included.
    account: Account
    refs: tuple[PositionRef, ...]
    # Health with hypotheticals on (`health`) and without them (`baseline`).
    health: AccountHealth
    baseline: AccountHealth
    exchange_disagreement: str | None = None  # set when the venue's own figures differ > 0.5 %
    # Seconds to liquidation at the pace the pool's nearer liquidating move (without what-ifs)
    # shrank over the last minute; None unless it shrank (see service/pace.py).
    eta_seconds: float | None = None


def _worst_first(pool: PoolSnapshot) -> tuple[int, int, float]:
    """A pool whose figures are unknown ranks as a warning at least (it is never "fine"),
    and before a known pool of the same level."""
    health = pool.baseline
    level = int(health.status)
    known = health.known
    if not known:
        level = max(level, int(Level.WARNING))
    ratio = health.health_ratio
    return (-level, 0 if not known else 1, ratio if ratio is not None else float("inf"))


@dict_init
@dataclass(frozen=True)
class AccountSnapshot:
    account_id: int
    name: str
    kind: str  # "exchange" | "manual" | "simulated"
    venue: str | None
    thresholds: Thresholds
    # Every pool, the worst (by the baseline) first; empty while nothing is known.
    pools: tuple[PoolSnapshot, ...]
    status: SourceStatus
    # Positions switched off (hypotheticals), so the UI can list them and switch them back on.
    disabled: tuple[tuple[int, Position], ...] = ()
    # Symbols the account's venue quotes, with their latest marks (for what-if positions).
    markets: tuple[tuple[str, float], ...] = ()
    # Seconds between refreshes, and how old data may get before it is stale.
    interval: float = 5.0
    # False: the app has not verified its reading of this venue's rules (shown as such).
    verified: bool = True
    # When streamed marks last moved the figures, if they did since the last REST read (the
    # venue's own figures are as of that read: status.last_success).
    marks_at: float | None = None
    # Where each symbol's mark came from (symbols never read from a venue: none, so typed).
    mark_origins: tuple[MarkOrigin, ...] = ()
    # The venue a manual account reads its public marks from (None: no venue set).
    marks_venue: str | None = None
    # Probability of liquidation and funding, from the background risk job (None: not yet,
    # or no job runs); as of its own computed_at, not of these marks.
    risk: AccountRisk | None = None

    def mark_origin(self, symbol: str) -> MarkOrigin | None:
        return next((o for o in self.mark_origins if o.symbol == symbol), None)

    @staticmethod
    def order(pools: tuple[PoolSnapshot, ...] | list[PoolSnapshot]) -> tuple[PoolSnapshot, ...]:
        if len(pools) < 2:  # most accounts have one pool, and a mark tick orders every one
            return tuple(pools)
        return tuple(sorted(pools, key=_worst_first))

    @property
    def simulated(self) -> bool:
        return self.kind == "simulated"

    @property
    def label(self) -> str:
        """The account's name as shown and sent: "[SIMULATED] demo" for a simulated one."""
        return f"{SIMULATED_TAG} {self.name}" if self.simulated else self.name

    @property
    def worst(self) -> PoolSnapshot | None:
        return self.pools[0] if self.pools else None

    # The worst pool's figures: what a one-line view (header, account list) shows first.
    @property
    def account(self) -> Account | None:
        return self.pools[0].account if self.pools else None

    @property
    def refs(self) -> tuple[PositionRef, ...]:
        return self.pools[0].refs if self.pools else ()

    @property
    def health(self) -> AccountHealth | None:
        return self.pools[0].health if self.pools else None

    @property
    def baseline(self) -> AccountHealth | None:
        return self.pools[0].baseline if self.pools else None

    @property
    def exchange_disagreement(self) -> str | None:
        """The first disagreement of any pool, with the pool named when there are several."""
        for pool in self.pools:
            if pool.exchange_disagreement:
                if len(self.pools) == 1:
                    return pool.exchange_disagreement
                return f"{pool.pool}: {pool.exchange_disagreement}"
        return None

    @property
    def unknowns(self) -> list[str]:
        """Why anything of the real book (without what-ifs) cannot be computed, each pool's
        reasons named by the pool when there are several."""
        out = []
        for pool in self.pools:
            for reason in pool.baseline.unknowns:
                out.append(reason if len(self.pools) == 1 else f"{pool.pool} pool: {reason}")
        return out

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
