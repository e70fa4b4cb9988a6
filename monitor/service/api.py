"""What a front end (the Qt window, `watch`) may ask of the monitoring service.

Every call returns at once and is thread-safe: the work runs on the service's own thread and
its outcome arrives as a new Snapshot (or an event) through `subscribe`. The front end never
touches ccxt or SQL itself.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

# Shared with the sources, which must not import the service: they live in monitor.contracts
# and are named here too for the front ends.
from monitor.contracts import Credentials as Credentials
from monitor.contracts import ExchangeInfo as ExchangeInfo
from monitor.contracts import ExchangeSettings as ExchangeSettings
from monitor.domain.model import Position, Thresholds
from monitor.service.snapshot import Snapshot

if TYPE_CHECKING:
    from monitor.service.replay_commands import ReplayResult


@dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    message: str  # what was found ("3 positions, wallet 2,000 USDT") or why it failed
    # Where the trader fixes it: "api_url", "apiKey", "secret", "password", "walletAddress",
    # "exchange" (the venue itself), "clock" (this computer's); None when nothing is at fault.
    field: str | None = None


@dataclass(frozen=True)
class KeyStorage:
    """Where an exchange account's keys are kept: the OS keyring; nowhere (the environment
    variables are read at every start); or a credentials file the trader chose (chmod 600)."""

    kind: str = "keyring"  # "keyring" | "environment" | "file"
    path: str | None = None  # the credentials file, for "file"


@dataclass(frozen=True)
class KeyStorageOptions:
    keyring: bool  # an OS keyring is usable on this machine
    environment: tuple[str, ...]  # the variables "environment" reads (key, secret, passphrase)
    environment_set: bool  # whether they are set for this run


class FieldProblem(ValueError):
    """A command refused because of one thing the trader typed or chose; `field` names it
    ("name", "storage", "credentials_file", ...) so a dialog can show it there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ServiceEvent:
    """Anything the trader should see that is not a figure: alerts, errors of a command."""

    kind: str  # "alert" | "command_error" | ...
    account_id: int | None
    message: str
    at: float
    payload: object = None
    alert_id: int | None = None  # the stored alert's id, for acknowledging it
    simulated: bool = False  # about a simulated (demo) account: never to be taken for real


class ServiceApi(Protocol):
    def subscribe(
        self,
        on_snapshot: Callable[[Snapshot], None],
        on_event: Callable[[ServiceEvent], None] | None = None,
    ) -> None: ...

    def refresh(self, account_id: int | None = None) -> None: ...

    # Manual accounts and positions; hypothetical positions on any account.
    def create_manual_account(
        self, name: str, wallet_balance: float, collateral: str | None, venue: str | None
    ) -> Future[int]: ...
    def save_position(
        self, account_id: int, position: Position, position_id: int | None = None
    ) -> Future[int]: ...
    def delete_position(self, account_id: int, position_id: int) -> Future[None]: ...
    def set_hypothetical_enabled(
        self, account_id: int, position_id: int, enabled: bool
    ) -> Future[None]: ...

    # Exchange accounts.
    def exchange_catalog(self) -> Future[list[ExchangeInfo]]: ...
    def key_storage_options(self) -> Future[KeyStorageOptions]: ...
    def add_exchange_account(
        self,
        name: str,
        settings: ExchangeSettings,
        credentials: Credentials,
        storage: KeyStorage | None = None,
    ) -> Future[int]: ...
    def exchange_settings(self, account_id: int) -> Future[ExchangeSettings]: ...
    def market_marks(self, account_id: int) -> Future[dict[str, float]]: ...
    # A manual account's typed marks replaced by its venue's public marks (symbol -> mark).
    def refresh_marks(self, account_id: int) -> Future[dict[str, float]]: ...
    def update_exchange_account(
        self,
        account_id: int,
        settings: ExchangeSettings,
        credentials: Credentials | None,
        storage: KeyStorage | None = None,
    ) -> Future[None]: ...
    def test_connection(
        self, settings: ExchangeSettings, credentials: Credentials
    ) -> Future[ConnectionReport]: ...
    def remove_account(self, account_id: int) -> Future[None]: ...
    def set_thresholds(self, account_id: int, thresholds: Thresholds) -> Future[None]: ...
    def set_interval(self, account_id: int, seconds: float) -> Future[None]: ...
    def play_crash(self, account_id: int) -> Future[float]: ...
    # The simulated demo: opened by the trader's choice, removed (venue stopped) in one go.
    def open_demo(self) -> Future[int]: ...
    def remove_demo(self, account_id: int) -> Future[None]: ...
    # The probability alert (a fraction within 24 h; None: off), per account.
    def probability_alert_setting(self, account_id: int) -> Future[float | None]: ...
    def set_probability_alert(self, account_id: int, fraction: float | None) -> Future[None]: ...
    # A past window's candles replayed on the account's book (off every thread but its own).
    def crash_replay(self, account_id: int, start_ms: int, end_ms: int) -> Future[ReplayResult]: ...

    # History kept in the store, for charts: (epoch seconds, health ratio; NaN: none).
    def health_history(
        self, account_id: int, since: float
    ) -> Future[tuple[list[float], list[float]]]: ...

    # Alerts.
    def acknowledge_alert(self, alert_id: int) -> Future[None]: ...
    def snooze(self, account_id: int, position_key: str | None, seconds: float) -> Future[None]: ...
