"""The trader's commands (ServiceApi): each runs on the service thread, writes the store in
one transaction and recomputes the account, so the answer arrives as a new Snapshot."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from monitor.contracts import interval_problem
from monitor.domain import Position, Thresholds
from monitor.service import key_storage
from monitor.service.api import (
    ConnectionReport,
    Credentials,
    ExchangeInfo,
    ExchangeSettings,
    FieldProblem,
    KeyStorage,
    KeyStorageOptions,
)
from monitor.service.connection_test import try_connection
from monitor.service.mark_origins import public_venue
from monitor.service.sources import exchange_settings, stored_settings
from monitor.sources.exchange.catalog import supported_exchanges

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from collections.abc import Callable

    from monitor.service.alerting import AlertRunner, StoredAlert
    from monitor.service.local_whatifs import LocalWhatIfs
    from monitor.service.loop_thread import LoopThread
    from monitor.service.sources import ReaderFactory
    from monitor.store.database import Database
    from monitor.store.records import AccountRecord


class CommandsMixin:
    """MonitorService's commands; the service provides what is declared here."""

    if TYPE_CHECKING:
        db: Database
        _records: dict[int, AccountRecord]
        _alerts: AlertRunner
        _reader_factory: ReaderFactory
        _thread: LoopThread
        _workers: dict[int, Any]
        _crash: Callable[[], float] | None
        _whatifs: LocalWhatIfs | None  # a viewer's: what-ifs stay in the window

        def make_reader(self, record: AccountRecord) -> Any: ...

        def clock(self) -> float: ...
        def _run(self, fn: Callable[[], Any]) -> Future[Any]: ...
        def _add(self, record: AccountRecord) -> None: ...
        def _drop(self, account_id: int) -> None: ...
        def _recompute(self, account_id: int) -> None: ...
        def _publish(self) -> None: ...
        def _emit_alerts(self, events: list[StoredAlert]) -> None: ...

    def create_manual_account(
        self,
        name: str,
        wallet_balance: float,
        collateral: str | None,
        venue: str | None,
    ) -> Future[int]:
        def run() -> int:
            account_id = self.db.accounts.add(
                name, "manual", venue=venue, collateral=collateral, wallet_balance=wallet_balance
            )
            self._add(self.db.accounts.get(account_id))
            return account_id

        return self._run(run)

    def save_position(
        self, account_id: int, position: Position, position_id: int | None = None
    ) -> Future[int]:
        def run() -> int:
            local = self._whatifs
            if local is not None and (position.hypothetical or local.owns(position_id)):
                saved = local.save(account_id, position, position_id, self.clock())
            else:
                saved = self.db.positions.save(account_id, position, position_id, self.clock())
            self._recompute(account_id)
            return saved

        return self._run(run)

    def delete_position(self, account_id: int, position_id: int) -> Future[None]:
        def run() -> None:
            if self._whatifs is not None and self._whatifs.owns(position_id):
                self._whatifs.delete(account_id, position_id)
            else:
                self.db.positions.delete(account_id, position_id)
            self._recompute(account_id)

        return self._run(run)

    def set_hypothetical_enabled(
        self, account_id: int, position_id: int, enabled: bool
    ) -> Future[None]:
        def run() -> None:
            if self._whatifs is not None and self._whatifs.owns(position_id):
                self._whatifs.set_enabled(account_id, position_id, enabled)
            else:
                self.db.positions.set_enabled(account_id, position_id, enabled)
            self._recompute(account_id)

        return self._run(run)

    def set_wallet_balance(self, account_id: int, wallet: float) -> Future[None]:
        def run() -> None:
            self._records[account_id] = self.db.accounts.update(account_id, wallet_balance=wallet)
            self._recompute(account_id)

        return self._run(run)

    def key_storage_options(self) -> Future[KeyStorageOptions]:
        """Whether this machine has an OS keyring, and the environment's alternative."""
        return self._run(key_storage.options)

    def add_exchange_account(
        self,
        name: str,
        settings: ExchangeSettings,
        credentials: Credentials,
        storage: KeyStorage | None = None,
    ) -> Future[int]:
        def run() -> int:
            if not name.strip():
                raise FieldProblem("name", "Give the account a name.")
            if self.db.accounts.by_name(name) is not None:
                raise FieldProblem(
                    "name", f"account '{name}': an account of that name already exists"
                )
            reference, stored = key_storage.keep(
                name,
                credentials,
                storage or KeyStorage(),
                stored_settings(settings),
            )
            account_id = self.db.accounts.add(
                name,
                "exchange",
                venue=settings.exchange_id,
                settings=stored,
                credentials_ref=reference,
            )
            self._add(self.db.accounts.get(account_id))
            return account_id

        return self._run(run)

    def market_marks(self, account_id: int) -> Future[dict[str, float]]:
        """The account's venue's perpetuals and their marks (empty for a manual account with no
        venue to ask). Uses the account's own reader when it has one running."""

        async def run() -> dict[str, float]:
            record = self.db.accounts.get(account_id)
            if record.kind == "manual" and public_venue(record) is None:
                return {}
            worker = self._workers.get(account_id)
            reader = worker.reader if worker is not None else None
            if reader is not None:
                return dict(await reader.market_marks(record.collateral))
            temporary = self.make_reader(record)
            try:
                if not hasattr(temporary, "market_marks"):
                    return {}
                return dict(await temporary.market_marks(record.collateral))
            finally:
                await temporary.close()

        return self._thread.submit(run())

    def exchange_settings(self, account_id: int) -> Future[ExchangeSettings]:
        return self._run(lambda: exchange_settings(self.db.accounts.get(account_id)))

    def update_exchange_account(
        self,
        account_id: int,
        settings: ExchangeSettings,
        credentials: Credentials | None,
        storage: KeyStorage | None = None,
    ) -> Future[None]:
        """New settings and, unless None (keep the stored ones), new keys, kept where the
        account keeps them (or in `storage`); the account then polls afresh with them (an
        account stopped by a bad key starts again)."""

        def run() -> None:
            record = self.db.accounts.get(account_id)
            if record.kind != "exchange":
                raise ValueError(f"account '{record.name}': only exchange accounts have settings")
            reference = record.credentials_ref
            merged = {**record.settings, **stored_settings(settings)}
            given = credentials is not None and bool(credentials.api_key or credentials.secret)
            if given or (storage is not None and storage.kind == "environment"):
                reference, merged = key_storage.keep(
                    record.name,
                    credentials or Credentials(),
                    storage or key_storage.current(record.settings),
                    merged,
                )
            self.db.accounts.update(
                account_id, venue=settings.exchange_id, settings=merged, credentials_ref=reference
            )
            self._drop(account_id)
            self._add(self.db.accounts.get(account_id))

        return self._run(run)

    def test_connection(
        self, settings: ExchangeSettings, credentials: Credentials
    ) -> Future[ConnectionReport]:
        """One read with these settings and keys, on the service's loop."""
        return self._thread.submit(
            try_connection(self._reader_factory, settings, credentials, self.clock())
        )

    def remove_account(self, account_id: int) -> Future[None]:
        def run() -> None:
            record = self.db.accounts.get(account_id)
            self._drop(account_id)
            self.db.accounts.remove(account_id)
            try:
                key_storage.forget(record.credentials_ref, record.settings)
            except Exception as exc:  # the account is gone either way; say why, no secret
                log.warning(
                    "account %r removed; its keys could not be deleted (%s)",
                    record.name,
                    type(exc).__name__,
                )

        return self._run(run)

    def set_thresholds(self, account_id: int, thresholds: Thresholds) -> Future[None]:
        def run() -> None:
            self._records[account_id] = self.db.accounts.update(account_id, thresholds=thresholds)
            self._recompute(account_id)

        return self._run(run)

    def set_interval(self, account_id: int, seconds: float) -> Future[None]:
        """Refresh the account every `seconds` (1-300) from now on."""

        def run() -> None:
            problem = interval_problem(seconds)
            record = self.db.accounts.get(account_id)
            if problem:
                raise ValueError(f"account '{record.name}': {problem}")
            settings = {**record.settings, "interval": float(seconds)}
            self._records[account_id] = self.db.accounts.update(account_id, settings=settings)
            worker = self._workers.get(account_id)
            if worker is not None:
                worker.wake()  # the next read at once, then at the new pace
            self._recompute(account_id)

        return self._run(run)

    def play_crash(self, account_id: int) -> Future[float]:
        """Make the simulated venue in this process play its demo crash (warning, critical and
        liquidation within a minute, then a recovery); the crash's length in seconds."""

        def run() -> float:
            record = self.db.accounts.get(account_id)
            if record.kind != "simulated" or self._crash is None:
                raise ValueError(
                    f"account '{record.name}': only a simulated account's venue can play a crash"
                )
            return self._crash()

        return self._run(run)

    def acknowledge_alert(self, alert_id: int) -> Future[None]:
        def run() -> None:
            records = [a for a in self.db.alerts.recent(1000) if a.alert_id == alert_id]
            if not records:
                raise ValueError(f"alert #{alert_id}: no such alert")
            alert = records[0]
            key = alert.position_key or str(alert.account_id)
            self.db.alerts.acknowledge(alert_id, self.clock())
            self._emit_alerts(self._alerts.acknowledge(key, self.clock()))
            self._publish()

        return self._run(run)

    def snooze(self, account_id: int, position_key: str | None, seconds: float) -> Future[None]:
        def run() -> None:
            key = position_key or str(account_id)
            self._emit_alerts(self._alerts.snooze(key, seconds, self.clock()))
            self._publish()

        return self._run(run)

    def health_history(
        self, account_id: int, since: float
    ) -> Future[tuple[list[float], list[float]]]:
        def run() -> tuple[list[float], list[float]]:
            # As the chart can show it: a day is a few thousand points, not 86,400 rows.
            t, h = self.db.history.chart(account_id, since, self.clock())
            return t.tolist(), h.tolist()

        return self._run(run)

    def exchange_catalog(self) -> Future[list[ExchangeInfo]]:
        return self._run(supported_exchanges)
