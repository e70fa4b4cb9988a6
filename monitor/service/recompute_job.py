"""MonitorService's recompute: positions and marks -> snapshots, kept, with their history,
pace and risk figures, then alerts and one publish (a fetch's write, a streamed tick, a command).
Runs on the service's loop thread; the service provides what is declared here."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from monitor.service.mark_origins import public_venue
from monitor.service.prepared import prepare
from monitor.service.recompute import SnapshotJob, build_snapshots
from monitor.service.snapshot import AccountSnapshot, SourceState, SourceStatus
from monitor.sources.exchange.catalog import is_verified
from monitor.store.records import AccountRecord, HealthSample, PositionMark, StoredPosition

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from monitor.service.alerting import AlertRunner, StoredAlert
    from monitor.service.fetch_batch import FetchBatcher
    from monitor.service.local_whatifs import LocalWhatIfs
    from monitor.service.loop_thread import LoopThread
    from monitor.service.mark_origins import MarkOrigins
    from monitor.service.pace import PaceTracker
    from monitor.service.prepared import JoinedBooks, PreparedAccount
    from monitor.service.risk_job import AccountRisk
    from monitor.service.streams import AccountStreams
    from monitor.store.database import Database

log = logging.getLogger(__name__)

# How long a recompute's history rows may wait for the reads still under way (a cycle's
# answers come within a few tens of milliseconds; polls of many accounts may never all rest).
HISTORY_HOLD = 0.5


class RecomputeMixin:
    if TYPE_CHECKING:
        db: Database
        viewer: bool
        _thread: LoopThread
        _records: dict[int, AccountRecord]
        _stored: dict[int, Sequence[StoredPosition]]
        _prepared: dict[int, PreparedAccount]
        _joins: JoinedBooks
        _whatifs: LocalWhatIfs | None
        _streamed: set[int]
        _judged: dict[int, dict[str, str | None]]
        _marks: dict[int, dict[str, float]]
        _origins: MarkOrigins
        _streams: AccountStreams
        _pace: PaceTracker
        _risk: dict[int, AccountRisk]
        _snapshots: dict[int, AccountSnapshot]
        _history_at: dict[int, float]
        _alerts: AlertRunner

        def clock(self) -> float: ...
        def status(self, account_id: int) -> SourceStatus: ...
        def interval(self, record: AccountRecord) -> float: ...
        def _publish(self) -> None: ...
        def _emit_alerts(self, events: list[StoredAlert]) -> None: ...

        _store_thread: ThreadPoolExecutor
        _batcher: FetchBatcher
        _held_history: list[HistoryRows]  # written once the reads under way are in
        _held_since: float | None  # when the oldest held row was held

    def set_risk(self, risk: AccountRisk) -> None:
        """An account's probability and funding figures, from the risk job's thread: kept and
        carried on the account's snapshots from now on."""
        self._thread.call(lambda: self._set_risk(risk))

    def _set_risk(self, risk: AccountRisk) -> None:
        snap = self._snapshots.get(risk.account_id)
        if snap is None:  # an account removed meanwhile
            return
        self._risk[risk.account_id] = risk
        self._snapshots[risk.account_id] = replace(snap, risk=risk)
        self._publish()

    def _on_tick(self, account_ids: Sequence[int]) -> None:
        """Streamed marks moved these accounts: recomputed together, on the positions each
        holds already."""
        self._recompute_many([a for a in account_ids if a in self._stored], from_store=False)

    def _recompute(self, account_id: int) -> None:
        """After a write (a fetch, a command): from what the store now holds."""
        self._recompute_many([account_id], from_store=True)

    def _job(
        self,
        record: AccountRecord,
        now: float,
        marks: Mapping[str, float],
        judged: Mapping[str, str | None] | None,
        *,
        from_store: bool,
    ) -> SnapshotJob:
        account_id = record.account_id
        if from_store or account_id not in self._stored:
            stored: Sequence[StoredPosition] = self.db.positions.list(account_id)
            if self._whatifs is not None:
                stored = self._whatifs.merged(account_id, stored)
            self._stored[account_id] = stored
        stored = self._stored[account_id]
        prepared = self._prepared.get(account_id)
        if prepared is None or not prepared.made_from(record, stored):
            prepared = self._prepared[account_id] = prepare(record, stored)
        return SnapshotJob(
            prepared,
            self._effective_status(account_id, now),
            marks,
            self.interval(record),
            verified=record.kind != "exchange" or is_verified(record.venue),
            judged=judged,
        )

    def _judge_at(self, reads: Sequence[tuple[int, Mapping[str, float]]]) -> None:
        """Each pool's disagreement with the venue judged on the marks its read came with
        (figures fetched together), for reads whose marks streamed ones have overtaken: the
        accounts are then recomputed at the newer marks, the verdict kept (`_judged`)."""
        now = self.clock()
        jobs = [
            self._job(record, now, marks, None, from_store=False)
            for account_id, marks in reads
            if (record := self._records.get(account_id)) is not None
        ]
        for snap in build_snapshots(jobs, self._joins) if jobs else ():
            self._judged[snap.account_id] = {p.pool: p.exchange_disagreement for p in snap.pools}

    def _recompute_many(self, account_ids: Sequence[int], *, from_store: bool) -> None:
        now = self.clock()
        jobs = []
        for account_id in account_ids:
            record = self._records.get(account_id)
            if record is None:
                continue
            streamed = account_id in self._streamed
            judged = self._judged.get(account_id) if streamed else None
            marks = self._marks.get(account_id, {})
            jobs.append(self._job(record, now, marks, judged, from_store=from_store))
        if not jobs:
            return
        due = [s.account_id for s in build_snapshots(jobs, self._joins) if self._settle(s, now)]
        # Alerts ring and the window hears before the history is written: that write is a
        # commit (an fsync; a write lock another writer may hold for a while), and neither
        # the alert nor the figures it was judged on wait on it.
        self._emit_alerts(self._alerts.step(self._snapshots.values(), now))
        self._publish()
        if due:
            self._write_history(due, now)

    def _write_history(self, account_ids: Sequence[int], now: float) -> None:
        """The due accounts' history rows, from their kept snapshots, in one commit on the
        store thread (`_store_history`): neither the alerts and figures (sent already) nor the
        reads of the same cycle still coming in wait on it. A row the store refuses is a gap
        in the history, logged (`history_failed`)."""
        self._store_history([_history_rows(a, self._snapshots[a], now) for a in account_ids])

    def _store_history(self, history: list[HistoryRows]) -> None:
        """A recompute's history rows, written on the store thread: off the loop, which
        meanwhile reads and stores the answers still coming in (a SQLite commit, PostgreSQL's
        round trips). In order with the reads' writes: one thread writes both.

        While other reads of the cycle are still under way, the rows are held (at most
        HISTORY_HOLD seconds) and written with the next ones once they are in: written now,
        they would sit on the store thread ahead of those reads' batch."""
        if self._held_since is None:  # real seconds: the service's clock may be a replay's
            self._held_since = time.monotonic()
        self._held_history.extend(history)
        self._history_due()

    def _history_due(self) -> None:
        """Write the held history rows unless reads are under way and they were held less
        than HISTORY_HOLD (after each batch, on every tick)."""
        held = self._held_since
        if held is None:
            return
        if self._batcher.reading() and time.monotonic() - held < HISTORY_HOLD:
            return
        self._flush_history()

    def _flush_history(self) -> None:
        """Write the held history rows (on the store thread), if any."""
        history, self._held_history, self._held_since = self._held_history, [], None
        if not history:
            return
        try:
            written = self._store_thread.submit(write_history, self.db, history)
        except RuntimeError:  # the service has stopped: its store thread takes no more
            log.warning("%d health history rows not written: the service had stopped", len(history))
            return

        def done(written: Future[None]) -> None:
            error = written.exception()
            if error is not None:
                history_failed(history, error)

        written.add_done_callback(done)

    def _settle(self, snap: AccountSnapshot, now: float) -> bool:
        """Keep one account's fresh snapshot (its judged disagreement, its pace); True when its
        history row is due (written after the alerts, `_write_history`)."""
        account_id = snap.account_id
        record = self._records.get(account_id)
        snap = replace(
            snap,
            mark_origins=self._origins.of(account_id),
            marks_venue=public_venue(record) if record is not None else None,
        )
        if account_id not in self._streamed:
            self._judged[account_id] = {p.pool: p.exchange_disagreement for p in snap.pools}
        else:
            snap = replace(snap, marks_at=self._streams.live.seen.get(account_id))
        snap = self._pace.observe(snap, now)  # each pool's time to liquidation at its pace
        if account_id in self._risk:
            snap = replace(snap, risk=self._risk[account_id])
        self._snapshots[account_id] = snap
        # History at most once a second: live marks may recompute ten times as often.
        if (
            not self.viewer  # the collectors write the history
            and snap.known
            and snap.baseline is not None
            and snap.baseline.unknown is None  # a gap in the history, never a made-up value
            and now - self._history_at.get(account_id, -1e9) >= 1.0
        ):
            self._history_at[account_id] = now
            return True
        return False

    def _effective_status(self, account_id: int, now: float) -> SourceStatus:
        """An OK source whose data outlived the stale window is STALE, never shown as current."""
        status = self.status(account_id)
        record = self._records[account_id]
        window = self._alerts.rules.stale_after(self.interval(record))
        age = status.age(now)
        streamed = self._streams.live.seen.get(account_id)
        if age is not None and streamed is not None and status.state is SourceState.OK:
            age = min(age, max(0.0, now - streamed))  # stale only when REST and stream both are
        fetched = status.state is SourceState.OK or (
            status.state is SourceState.MANUAL and record.settings.get("marks_from")
        )
        if fetched and age is not None and age > window:
            return replace(status, state=SourceState.STALE)
        return status


# One account's history at one recompute: (account id, at, margin balance, maintenance,
# health ratio, each position's mark and liquidation price).
HistoryRows = tuple[int, float, float, float, float | None, list[PositionMark]]


def _history_rows(account_id: int, snap: AccountSnapshot, now: float) -> HistoryRows:
    health = snap.baseline
    assert health is not None
    marks = [
        PositionMark(p.symbol, p.side.value, p.mark_price, p.liquidation_price)
        for p in health.positions
    ]
    return (
        account_id, now, health.margin_balance, health.maintenance_margin, health.health_ratio,
        marks,
    )  # fmt: skip


def write_history(db: Database, history: Sequence[HistoryRows]) -> None:
    """Every due account's rows of one recompute in one commit (on the store thread)."""
    # One write, a few statements for every account (history_batch.py): the store thread
    # is free again for the next batch of reads.
    db.history.record_recompute(
        [
            HealthSample(account_id, at, balance, maintenance, ratio)
            for account_id, at, balance, maintenance, ratio, _ in history
        ],
        [(account_id, at, marks) for account_id, at, *_, marks in history],
    )


def history_failed(history: Sequence[HistoryRows], error: BaseException) -> None:
    """A history write the store refused: a gap in the chart, never a stopped service."""
    accounts = [rows[0] for rows in history]
    log.error("history not written (accounts %s); the figures stand", accounts, exc_info=error)
