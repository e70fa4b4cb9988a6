"""Which accounts a service runs, and how, by its role:

* alone (a window on its own file, a lone `watch`): every stored account, each polled;
* a collector (`watch --collector`): only the accounts its leases hold (`hold`, from the lease
  keeper each cycle) — an account taken by another collector is forgotten without an alert
  event: it was not removed, its alerts carry on over there;
* a viewer (a window on a shared database): every stored account, none polled; each is
  re-read from the store when a collector says it wrote it (`reload`, from the viewer feed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from monitor.service.account_worker import AccountWorker, first_read_delays
from monitor.service.mark_origins import public_venue
from monitor.service.snapshot import SourceState, SourceStatus
from monitor.service.stored_failure import stored_status
from monitor.store.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Callable

    from monitor.service.alerting import AlertRunner
    from monitor.service.backoff import Backoff
    from monitor.service.mark_origins import MarkOrigins
    from monitor.service.pace import PaceTracker
    from monitor.service.prepared import PreparedAccount
    from monitor.service.snapshot import AccountSnapshot
    from monitor.service.streams import AccountStreams
    from monitor.store.database import Database
    from monitor.store.records import AccountRecord


class AccountRegistryMixin:
    """MonitorService's account set; the service provides what is declared here."""

    if TYPE_CHECKING:
        db: Database
        viewer: bool
        _records: dict[int, AccountRecord]
        _workers: dict[int, AccountWorker]
        _tasks: dict[int, asyncio.Task[None]]
        _status: dict[int, SourceStatus]
        _snapshots: dict[int, AccountSnapshot]
        _pace: PaceTracker
        _streams: AccountStreams
        _judged: dict[int, dict[str, str | None]]
        _streamed: set[int]
        _stored: dict[int, Any]
        _prepared: dict[int, PreparedAccount]
        _alerts: AlertRunner
        _backoff: Backoff
        _held: set[int] | None
        _origins: MarkOrigins

        def clock(self) -> float: ...
        def _run(self, fn: Callable[[], Any]) -> Future[Any]: ...
        def _recompute(self, account_id: int) -> None: ...
        def _publish(self) -> None: ...
        def interval(self, record: AccountRecord) -> float: ...

    # -- any thread --------------------------------------------------------------------------

    def hold(self, account_ids: Iterable[int]) -> Future[Any]:
        """A collector's leases now: start the accounts newly held, forget the ones lost."""
        held = set(account_ids)
        return self._run(lambda: self._hold(held))

    def reload(self, account_ids: Iterable[int] | None = None) -> Future[Any]:
        """A viewer: these accounts (None: every one) changed in the store; read them again."""
        ids = None if account_ids is None else set(account_ids)
        return self._run(lambda: self._reload(ids))

    # -- loop thread -------------------------------------------------------------------------

    def _initial_accounts(self) -> list[AccountRecord]:
        if self._held is not None:
            return []  # a collector starts with what its first lease cycle gives it
        return list(self.db.accounts.list())

    def _add_together(self, records: list[AccountRecord]) -> None:
        """Accounts started at once: their first reads spread over their interval."""
        delays = first_read_delays([self.interval(r) for r in records])
        for record, delay in zip(records, delays, strict=True):
            self._add(record, delay)

    def _add(self, record: AccountRecord, first_read_after: float = 0.0) -> None:
        self._records[record.account_id] = record
        stored = self.db.source_status.get(record.account_id)
        if record.kind == "manual":
            self._status[record.account_id] = SourceStatus(SourceState.MANUAL, self.clock())
        elif self.viewer:
            self._status[record.account_id] = stored_status(record, stored)
        else:  # the last failure in the words the trader saw it in, until the first read
            self._status[record.account_id] = stored_status(record, stored, SourceState.STARTING)
        venue = public_venue(record)
        if venue is not None:  # marks a refresh wrote before a restart: still the venue's
            typed = self.db.positions.list(record.account_id)
            self._origins.seed_stored(record.account_id, typed, self.db.market.marks(venue))
        if self.viewer:  # nothing polled or streamed here: the collectors do
            self._recompute(record.account_id)
            return
        # Exchange and simulated accounts poll their venue; manual ones only for live marks.
        if record.kind != "manual" or record.settings.get("marks_from"):
            worker = AccountWorker(
                self,  # type: ignore[arg-type]
                record.account_id,
                self._backoff,
                first_read_after,
            )
            self._workers[record.account_id] = worker
            self._tasks[record.account_id] = asyncio.get_running_loop().create_task(worker.run())
        self._streams.start(record)
        self._recompute(record.account_id)  # after the stored marks' origins (seeded above)

    def _drop(self, account_id: int) -> None:
        self._records.pop(account_id, None)
        self._workers.pop(account_id, None)
        task = self._tasks.pop(account_id, None)
        if task is not None:
            task.cancel()
        self._snapshots.pop(account_id, None)
        self._status.pop(account_id, None)
        self._pace.forget(account_id)
        self._streams.stop(account_id)
        self._origins.forget(account_id)
        self._judged.pop(account_id, None)
        self._streamed.discard(account_id)
        self._stored.pop(account_id, None)
        self._prepared.pop(account_id, None)
        self._publish()

    def _hold(self, held: set[int]) -> None:
        self._held = held
        for account_id in [a for a in self._records if a not in held]:
            self._alerts.forget(account_id)  # handed over, not removed: no event
            self._drop(account_id)
        taken = []
        for account_id in sorted(held - set(self._records)):
            try:
                taken.append(self.db.accounts.get(account_id))
            except StoreError:  # removed since the lease cycle: the next one lets it go
                continue
        self._add_together(taken)

    def _reload(self, ids: set[int] | None) -> None:
        if ids is None:
            stored = {r.account_id: r for r in self.db.accounts.list()}
            for account_id in [a for a in self._records if a not in stored]:
                self._drop(account_id)
            ids = set(stored)
        for account_id in sorted(ids):
            try:
                record = self.db.accounts.get(account_id)
            except StoreError:  # removed
                if account_id in self._records:
                    self._drop(account_id)
                continue
            if account_id not in self._records:
                self._add(record)
                continue
            self._records[account_id] = record
            if record.kind != "manual":
                status = self.db.source_status.get(account_id)
                self._status[account_id] = stored_status(record, status)
            self._recompute(account_id)
