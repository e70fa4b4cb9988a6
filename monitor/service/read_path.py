"""The service's read path: an account's reader (its reads counted by the batcher), a read
handed to the batcher, a batch of reads stored on the store thread and the accounts it stored
recomputed together; a refresh asked for (one account, all, or all once and waited on).

A mixin of MonitorService (monitor_service.py), which holds the state named below; the
batching itself is fetch_batch.py, the store transaction applier.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from monitor.service.mark_origins import public_venue
from monitor.service.snapshot import Snapshot, SourceState, SourceStatus
from monitor.service.sources import ManualMarksReader, connection_for
from monitor.sources.exchange.reader import FetchResult
from monitor.store.live_reads import read_books
from monitor.store.records import AccountRecord, StoredPosition

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from monitor.service.account_worker import AccountWorker
    from monitor.service.applier import FetchApplier
    from monitor.service.fetch_batch import FetchBatcher
    from monitor.service.mark_origins import MarkOrigins
    from monitor.service.sources import MarksFactory, ReaderFactory, SimResolver
    from monitor.service.streams import AccountStreams
    from monitor.store.database import Database

# What the store thread hands back: the reads stored (with their marks), the failed ones, and
# each stored account's record and positions as they now stand.
StoredReads = tuple[
    list[tuple[AccountRecord, FetchResult, dict[str, float]]],
    dict[int, BaseException],
    dict[int, tuple[AccountRecord, tuple[StoredPosition, ...]]],
]


class ReadPathMixin:
    if TYPE_CHECKING:
        db: Database
        _records: dict[int, AccountRecord]
        _workers: dict[int, AccountWorker]
        _status: dict[int, SourceStatus]
        _marks: dict[int, dict[str, float]]
        _stored: dict[int, Sequence[StoredPosition]]
        _streamed: set[int]
        _origins: MarkOrigins
        _streams: AccountStreams
        _applier: FetchApplier
        _batcher: FetchBatcher
        _store_thread: ThreadPoolExecutor
        _settled: asyncio.Event | None
        _reader_factory: ReaderFactory
        _marks_factory: MarksFactory
        _sim: SimResolver | None

        def clock(self) -> float: ...
        def _snapshot(self) -> Snapshot: ...
        def _recompute(self, account_id: int) -> None: ...
        def _recompute_many(self, account_ids: Sequence[int], *, from_store: bool) -> None: ...
        def _judge_at(self, reads: Sequence[tuple[int, Mapping[str, float]]]) -> None: ...
        def _history_due(self) -> None: ...
        def _stored_now(self, account_id: int) -> None: ...

    def _refresh(self, account_id: int | None) -> None:
        for aid, worker in self._workers.items():
            if account_id is None or aid == account_id:
                worker.wake()
        for aid, record in self._records.items():
            if record.kind == "manual" and account_id in (None, aid):
                self._recompute(aid)

    async def _refresh_once(self, timeout: float) -> Snapshot:
        before = {aid: w.fetches for aid, w in self._workers.items()}
        self._refresh(None)
        deadline = self.clock() + timeout
        while any(w.fetches <= before.get(aid, 0) for aid, w in self._workers.items()):
            if self.clock() > deadline:
                break
            # Woken when a batch's readers have counted their fetch; a failed read only by
            # the time-out.
            settled = self._settled = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.02):  # not wait_for (account_worker.py)
                    await settled.wait()
        return self._snapshot()

    def _reads_settled(self) -> None:
        if self._settled is not None:
            self._settled.set()

    def make_reader(self, record: AccountRecord) -> Any:
        """The account's reader, its reads counted by the batcher (a batch waits for the reads
        still under way, and no longer once they are in)."""
        if record.kind == "manual":
            marks = self._marks_factory(
                str(public_venue(record)), record.settings.get("marks_api_url")
            )
            reader: Any = ManualMarksReader(marks, lambda: self._symbols(record.account_id))
        else:
            reader = self._reader_factory(connection_for(record, self._sim), record.name)
        return self._batcher.counted(record.account_id, reader)

    def _symbols(self, account_id: int) -> list[str]:
        return sorted({s.position.symbol for s in self.db.positions.list(account_id)})

    async def on_fetched(self, account_id: int, result: FetchResult) -> None:
        """Store a read with the others finishing now (fetch_batch.py); raises its error."""
        await self._batcher.submit(account_id, result)

    async def _apply_reads(
        self, reads: Sequence[tuple[int, FetchResult]]
    ) -> dict[int, BaseException]:
        """Store reads in one transaction, each read all or nothing (a savepoint), on the
        store thread — the loop meanwhile reads the answers still coming in; then recompute
        the accounts stored, together, from what the store now holds."""
        # An account removed while its read was under way is dropped.
        records = [(self._records.get(aid), result) for aid, result in reads]
        kept = [(record, result) for record, result in records if record is not None]
        loop = asyncio.get_running_loop()
        stored, failed, books = await loop.run_in_executor(self._store_thread, self._store, kept)
        behind: list[tuple[int, Mapping[str, float]]] = []  # reads older than streamed marks
        for record, result, marks in stored:
            account_id = record.account_id
            if account_id not in self._records or account_id not in books:
                continue  # removed while it was being stored
            self._stored[account_id] = books[account_id][1]
            if record.kind == "manual":
                self._marks[account_id] = marks
                self._origins.read(account_id, marks, "public", result.fetched_at)
                self._status[account_id] = SourceStatus(SourceState.MANUAL, result.fetched_at)
                continue
            # A read answers with the marks of its request; a mark streamed since it was sent
            # is newer (the read is stored a while after its answer, a second or more on a
            # busy machine): it stays, or the health would step back in a crash and its
            # level ring again.
            newer = self._origins.streamed_after(account_id, result.fetched_at, marks)
            self._marks[account_id] = {**marks, **newer}
            read = {s: p for s, p in marks.items() if s not in newer}
            self._origins.read(account_id, read, "rest", result.fetched_at)
            self._streams.live.hold(account_id, sorted(result.symbols))
            self._records[account_id] = books[account_id][0]
            if newer:  # the venue's figures judged on the marks they came with, then kept
                behind.append((account_id, marks))
                self._streamed.add(account_id)
            else:
                self._streamed.discard(account_id)
            self._status[account_id] = SourceStatus(SourceState.OK, result.fetched_at)
        self._judge_at(behind)
        self._recompute_many([record.account_id for record, _, _ in stored], from_store=False)
        self._history_due()  # the rows held while this batch's reads were under way
        for record, _, _ in stored:
            if record.kind != "manual" and record.account_id in self._records:
                self._stored_now(record.account_id)
        return failed

    def _store(self, reads: Sequence[tuple[AccountRecord, FetchResult]]) -> StoredReads:
        """On the store thread: the reads, then each stored account's record and positions
        as they now stand."""
        stored, failed, books = self._applier.store_and_read(reads, read_books)
        return stored, failed, books or {}

    def _read_now(self, account_id: int) -> None:
        """A change at the venue (user data stream), or a stream that stopped: read the account
        over REST now — positions, balances and the venue's figures together."""
        worker = self._workers.get(account_id)
        if worker is not None:
            worker.wake()
