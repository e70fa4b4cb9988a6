"""The monitoring service: poll -> recompute -> persist -> alert, on its own thread.

All state below lives on the service's loop thread: ccxt instances never leave it, the store
is written from it or from its one store thread (venue reads, history), and front ends get
immutable Snapshots through `subscribe`. Public methods are thread-safe and return at once
(Futures for commands).

Here: the life cycle, the state, the tick (staleness, alerts, history's thinning) and the
publisher. Its jobs, each a module: the accounts it runs (account_registry.py), their workers
and streams (account_worker.py, streams.py), the read path — a venue read batched, stored in
one transaction and recomputed (read_path.py, fetch_batch.py, applier.py) —, the recompute and
its history (recompute_job.py), the alert runner (alerting.py), the commands (commands.py and
the *_commands.py mixins).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from monitor.contracts import configured_interval
from monitor.domain.alerts import DEFAULT_RULES, AlertRules
from monitor.service.account_registry import AccountRegistryMixin
from monitor.service.account_worker import AccountWorker
from monitor.service.alerting import AlertRunner, StoredAlert
from monitor.service.applier import FetchApplier
from monitor.service.backoff import Backoff
from monitor.service.commands import CommandsMixin
from monitor.service.demo import DemoHost
from monitor.service.demo_commands import DemoCommandsMixin
from monitor.service.fetch_batch import FetchBatcher
from monitor.service.local_whatifs import LocalWhatIfs
from monitor.service.mark_commands import MarkCommandsMixin
from monitor.service.mark_origins import MarkOrigins
from monitor.service.pace import PaceTracker
from monitor.service.prepared import JoinedBooks, PreparedAccount
from monitor.service.probability_alerts import ProbabilityAlertsMixin
from monitor.service.publisher import EventListener, Publisher, SnapshotListener
from monitor.service.read_path import ReadPathMixin
from monitor.service.recompute_job import HistoryRows, RecomputeMixin
from monitor.service.replay_commands import ReplayCommandsMixin
from monitor.service.snapshot import AccountSnapshot, Snapshot, SourceState, SourceStatus
from monitor.service.sources import (
    MarksFactory,
    ReaderFactory,
    SimResolver,
    default_marks,
    default_reader,
)
from monitor.service.stored_failure import stored_text
from monitor.service.streams import AccountStreams
from monitor.store.database import Database
from monitor.store.records import AccountRecord, StoredPosition

if TYPE_CHECKING:  # the risk job is started by the session, when asked for
    from monitor.service.risk_job import AccountRisk

log = logging.getLogger(__name__)

# Seconds between refreshes: contracts.configured_interval (a venue every 2 s, a manual book
# every 5 s, unless the account says); and while live marks and the account's changes stream,
# REST reconciles (the venue's own figures, anything an event did not announce) every 10 s,
# every 2 s again once either stops.
STREAMING_INTERVAL = 10.0
THIN_EVERY = 24 * 3600.0


class MonitorService(
    ReadPathMixin,
    AccountRegistryMixin,
    CommandsMixin,
    MarkCommandsMixin,
    DemoCommandsMixin,
    RecomputeMixin,
    ReplayCommandsMixin,
    ProbabilityAlertsMixin,
):
    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], float] = time.time,
        rules: AlertRules = DEFAULT_RULES,
        reader_factory: ReaderFactory = default_reader,
        marks_factory: MarksFactory = default_marks,
        sim: SimResolver | None = None,
        backoff: Backoff = Backoff(),
        tick: float = 1.0,
        crash: Callable[[], float] | None = None,
        demo: DemoHost | None = None,
        holder: str | None = None,
        viewer: bool = False,
        on_stored: Callable[[int], None] | None = None,
    ) -> None:
        """`holder`: a collector's name — it runs only the accounts its leases hold (`hold`)
        and claims each alert in the database before ringing it. `viewer`: a window on a
        shared database — it polls nothing, writes no history or alert, and re-reads an
        account when told (`reload`). `on_stored(account_id)`: after each committed write of
        an account's figures (a collector tells the viewers)."""
        from monitor.service.loop_thread import LoopThread

        self.db = db
        self._clock = clock
        self._reader_factory = reader_factory
        self._marks_factory = marks_factory
        self._sim = sim
        self._crash = crash  # plays the simulated venue's crash (play_crash)
        self._demo = demo  # the simulated venue the demo commands start and stop
        self._backoff = backoff
        self._tick = tick
        self._thread = LoopThread()
        self._publisher = Publisher()
        self._applier = FetchApplier(db)
        self._batcher = FetchBatcher(self._apply_reads, after=self._reads_settled)
        self._settled: asyncio.Event | None = None  # a one-shot refresh's wake-up
        # Venue reads are stored here, off the loop: one thread, one writer of reads at a time.
        self._store_thread = ThreadPoolExecutor(1, thread_name_prefix="monitor-store")
        # Loop-thread state.
        self._records: dict[int, AccountRecord] = {}
        self._workers: dict[int, AccountWorker] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._status: dict[int, SourceStatus] = {}
        self._marks: dict[int, dict[str, float]] = {}
        self._origins = MarkOrigins()  # where each account's marks came from, and when
        self._snapshots: dict[int, AccountSnapshot] = {}
        self.viewer = viewer
        self._whatifs = LocalWhatIfs() if viewer else None
        self._held: set[int] | None = None if holder is None else set()
        self._on_stored = on_stored
        self._alerts = AlertRunner(db, rules, holder=holder, log=not viewer)
        self._pace = PaceTracker()
        self._streams = AccountStreams(
            self.clock,
            sim,
            lambda account_id: self._records[account_id],
            on_marks=self._stream_marks,
            on_tick=self._on_tick,
            read_now=self._read_now,
        )
        # Each account's stored positions as of its last recompute from the store: a streamed
        # mark changes no position, so ticks reuse them instead of reading the store ten times
        # a second. Every write (a fetch, a command) recomputes from the store after it.
        self._stored: dict[int, Sequence[StoredPosition]] = {}
        self._prepared: dict[int, PreparedAccount] = {}  # their pools' books, built once
        self._joins = JoinedBooks()
        self._history_at: dict[int, float] = {}
        self._held_history: list[HistoryRows] = []  # recompute_job: held while reads run
        self._held_since: float | None = None
        self._risk: dict[int, AccountRisk] = {}  # the risk job's latest, by account
        # Disagreement is judged on figures fetched together: per account, each pool's verdict
        # at the last REST read, kept while streamed marks move the book (_streamed).
        self._judged: dict[int, dict[str, str | None]] = {}
        self._streamed: set[int] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._next_thin = 0.0  # history older than the retention is thinned once a day

    # -- life cycle (any thread) -----------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        self._thread.submit(self._start()).result()

    def stop(self) -> None:
        try:
            self._thread.submit(self._shutdown()).result(timeout=15)
        finally:
            self._thread.stop()
            self._store_thread.shutdown(wait=True)  # a batch being stored is finished

    def subscribe(
        self, on_snapshot: SnapshotListener, on_event: EventListener | None = None
    ) -> None:
        """Callbacks run on the service thread; the latest snapshot is sent at once."""
        self._publisher.add(on_snapshot, on_event)
        self._thread.call(lambda: on_snapshot(self._snapshot()))

    def refresh(self, account_id: int | None = None) -> None:
        self._thread.call(lambda: self._refresh(account_id))

    def refresh_once(self, timeout: float = 60.0) -> Snapshot:
        """Poll every account once (for `check --refresh`) and return the snapshot."""
        return self._thread.submit(self._refresh_once(timeout)).result(timeout + 5)

    def latest(self) -> Snapshot:
        return self._thread.call(self._snapshot).result(10)

    def _run(self, fn: Callable[[], Any]) -> Future[Any]:
        return self._thread.call(fn)

    # -- loop thread -----------------------------------------------------------------------

    def clock(self) -> float:
        return self._clock()

    def record(self, account_id: int) -> AccountRecord | None:
        return self._records.get(account_id)

    def status(self, account_id: int) -> SourceStatus:
        return self._status.get(account_id, SourceStatus(SourceState.STARTING))

    def interval(self, record: AccountRecord) -> float:
        """Seconds between REST reads: the account's own setting; else, while both its live
        marks and its user data stream are up, STREAMING_INTERVAL (the marks stream, a change
        at the venue wakes a read at once); else the default (every 2 s for a venue)."""
        if "interval" not in record.settings and self._streams.all_up(record.account_id):
            return STREAMING_INTERVAL
        return configured_interval(record.kind, record.settings)

    async def _start(self) -> None:
        self._add_together(self._initial_accounts())
        self._ticker = asyncio.get_running_loop().create_task(self._tick_loop())

    async def _shutdown(self) -> None:
        self._flush_history()  # rows held for reads that will not be stored now
        tasks = [
            *self._tasks.values(),
            *self._streams.tasks(),
            *([self._ticker] if self._ticker else []),
        ]
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        # Bounded: a venue that never lets go of a connection must not keep the app open.
        _, pending = await asyncio.wait(tasks, timeout=10)
        for task in pending:
            log.warning("service task did not stop in time: %s", task.get_name())

    def _stream_marks(self, account_id: int, marks: dict[str, float]) -> None:
        self._marks.setdefault(account_id, {}).update(marks)
        at = self._streams.live.seen.get(account_id, self.clock())
        self._origins.read(account_id, marks, "stream", at)
        self._streamed.add(account_id)

    def on_status(self, account_id: int, status: SourceStatus) -> None:
        if account_id not in self._records:
            return
        if status.last_error:
            # With its words: read back after a restart, the failure reads as it did live.
            self.db.source_status.set_error(account_id, self.clock(), stored_text(status))
        self._status[account_id] = status
        self._recompute(account_id)
        self._stored_now(account_id)

    def _stored_now(self, account_id: int) -> None:
        if self._on_stored is not None:
            self._on_stored(account_id)

    async def _tick_loop(self) -> None:
        """Once a tick: let stale data become stale and its alert fire even with no fetch."""
        while True:
            await asyncio.sleep(self._tick)
            now = self.clock()
            changed = False
            for account_id in list(self._snapshots):
                snap = self._snapshots[account_id]
                status = self._effective_status(account_id, now)
                if status.state is not snap.status.state:
                    self._snapshots[account_id] = replace(snap, status=status)
                    changed = True
            self._emit_alerts(self._alerts.step(self._snapshots.values(), now))
            self._history_due()
            if changed:
                self._publish()
            if now >= self._next_thin and not self.viewer:
                self._next_thin = now + THIN_EVERY
                self.db.history.thin(now)

    def _snapshot(self) -> Snapshot:
        return Snapshot(self.clock(), tuple(self._snapshots[k] for k in sorted(self._snapshots)))

    def _publish(self) -> None:
        self._publisher.snapshot(self._snapshot())

    def _emit_alerts(self, events: list[StoredAlert]) -> None:
        self._publisher.alerts(events, lambda i: getattr(self.record(i), "kind", "") == "simulated")
