"""What the store hands out: frozen dataclasses and domain objects, never ORM rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from monitor.domain.model import Collateral, Position, SettleAsset, Thresholds

AccountKind = Literal["exchange", "manual", "simulated"]
PositionKind = Literal["live", "manual", "hypothetical"]
ACCOUNT_KINDS: tuple[AccountKind, ...] = ("exchange", "manual", "simulated")

DEFAULT_STALE_AFTER = 120.0  # seconds


@dataclass(frozen=True)
class PoolRecord:
    """One margin pool of an account as last fetched: its wallet, its non-USD collateral and
    what the venue itself reported for it."""

    name: str  # the pool's collateral: "USDT", "USDC", "USD" (multi-asset), "BTC" (coin-margined)
    wallet_balance: float
    collaterals: tuple[Collateral, ...] = ()
    exchange_health_ratio: float | None = None
    exchange_maintenance_margin: float | None = None
    settle_assets: tuple[SettleAsset, ...] = ()


@dataclass(frozen=True)
class AccountRecord:
    account_id: int
    name: str
    kind: AccountKind
    venue: str | None
    collateral: str | None
    settings: Mapping[str, Any]  # a copy: changing it changes nothing stored
    credentials_ref: str | None  # key in the OS keyring; the secret itself is never stored
    thresholds: Thresholds
    stale_after: float
    wallet_balance: float | None  # None: an exchange account never fetched yet
    exchange_health_ratio: float | None = None
    positions_fetched_at: float | None = None
    # Every pool, worst or not; a single-pool account has one (named by its collateral).
    pools: tuple[PoolRecord, ...] = ()


@dataclass(frozen=True)
class StoredPosition:
    position_id: int
    kind: PositionKind
    enabled: bool
    position: Position
    pool: str | None = None  # None: the account's first pool
    # When the trader typed its mark (epoch seconds); None: read from a venue, or not known.
    mark_typed_at: float | None = None


@dataclass(frozen=True)
class PriceRecord:
    venue: str
    symbol: str
    price: float
    fetched_at: float


@dataclass(frozen=True)
class HealthSample:
    account_id: int
    at: float
    margin_balance: float
    maintenance: float
    health_ratio: float | None


@dataclass(frozen=True)
class PositionMark:
    symbol: str
    side: str  # "long" | "short"
    mark: float
    liquidation_price: float | None


def _empty() -> NDArray[np.float64]:
    return np.empty(0, dtype=np.float64)


@dataclass(frozen=True)
class HealthSeries:
    """An account's health history, column-wise for a chart; NaN health: no requirement."""

    at: NDArray[np.float64] = field(default_factory=_empty)
    margin_balance: NDArray[np.float64] = field(default_factory=_empty)
    maintenance: NDArray[np.float64] = field(default_factory=_empty)
    health_ratio: NDArray[np.float64] = field(default_factory=_empty)

    def __len__(self) -> int:
        return int(self.at.shape[0])


@dataclass(frozen=True)
class MarkSeries:
    """One position's mark and liquidation price over time; NaN liquidation: none."""

    at: NDArray[np.float64] = field(default_factory=_empty)
    mark: NDArray[np.float64] = field(default_factory=_empty)
    liquidation_price: NDArray[np.float64] = field(default_factory=_empty)

    def __len__(self) -> int:
        return int(self.at.shape[0])


@dataclass(frozen=True)
class AlertRecord:
    alert_id: int
    account_id: int | None
    position_key: str | None
    kind: str  # raised | escalated | cleared | snoozed | acknowledged | stale | source_error ...
    level: str
    message: str
    at: float
    until: float | None = None
    acknowledged_at: float | None = None


@dataclass(frozen=True)
class SourceStatusRecord:
    account_id: int
    last_success: float | None = None
    last_error_at: float | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class LastBook:
    """Every account as last stored, its source's status and its positions (switched-off
    what-ifs included): what the window shows while the service starts."""

    accounts: tuple[AccountRecord, ...]
    statuses: Mapping[int, SourceStatusRecord]
    positions: Mapping[int, tuple[StoredPosition, ...]]
