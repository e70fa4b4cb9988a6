"""Venue reads into the store. One read is all or nothing: every pool of the account
(positions, wallets, collateral, the venue's own figures), the marks, the tier tables the reader
fetched anew, and the read's success. Reads that finish together share one transaction (one
commit): all at once, in a few statements for them all, or, when one cannot be stored, each in
a savepoint of its own. The service then recomputes the accounts from what is stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.reader import FetchResult
from monitor.store.batch_writes import PoolsRead, write_many_pools, write_many_success
from monitor.store.database import Database
from monitor.store.live_reads import write_marks, write_marks_at, write_pools, write_success
from monitor.store.market import write_tiers
from monitor.store.records import AccountRecord

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


T = TypeVar("T")
# The reads stored, each with its marks; each failed read's account id and error.
Stored = list[tuple[AccountRecord, FetchResult, dict[str, float]]]
Failed = dict[int, BaseException]


class FetchApplier:
    def __init__(self, db: Database) -> None:
        self.db = db
        # (venue, symbol) -> when its stored tier table was fetched: tables change rarely, so
        # they are written when the reader fetched them anew, not on every read.
        self._tiers_stored: dict[tuple[str, str], float] = {}

    def store_reads(
        self, reads: Sequence[tuple[AccountRecord, FetchResult]]
    ) -> tuple[Stored, Failed]:
        """Several reads in one transaction (one commit), each read all or nothing on its own:
        returns the reads stored, each with its marks, and each failed read's account id and
        error. Only a failure of the batch itself (its lock, its commit) raises (then nothing
        was stored)."""
        stored, failed, _ = self.store_and_read(reads, None)
        return stored, failed

    def store_and_read(
        self,
        reads: Sequence[tuple[AccountRecord, FetchResult]],
        read_back: Callable[[Session, list[int]], T] | None,
    ) -> tuple[Stored, Failed, T | None]:
        """store_reads, then `read_back(session, the stored accounts' ids)` in the same
        transaction: what the service recomputes from, as it was committed.

        All the reads are tried at once, in a few statements for them all, in the batch's own
        transaction (no savepoint, no second transaction to read back: each is round trips on
        PostgreSQL). Only if a read cannot be stored does that transaction roll back, and the
        reads are stored again one by one, each in a savepoint of its own: the read that
        cannot be stored fails alone and the others stand."""
        # What tier tables are stored is known only once the batch commits.
        before_batch = dict(self._tiers_stored)
        refused = False
        try:
            with self.db.write() as session:
                session.connection()  # BEGIN, the write lock: failing, it is the batch's failure
                try:
                    stored = self.all_at_once(session, reads)
                    ids = [record.account_id for record, _, _ in stored]
                    books = None if read_back is None else read_back(session, ids)
                except Exception:
                    refused = True
                    raise
            return stored, {}, books
        except BaseException as exc:
            self._tiers_stored = before_batch
            if not refused or not isinstance(exc, Exception):
                raise
        stored, failed = self.one_by_one(reads)
        if read_back is None:
            return stored, failed, None
        with self.db.read() as session:
            return stored, failed, read_back(session, [r.account_id for r, _, _ in stored])

    def all_at_once(
        self, session: Session, reads: Sequence[tuple[AccountRecord, FetchResult]]
    ) -> Stored:
        """Every read in the caller's transaction (batch_writes.py); raises if any cannot be
        stored."""
        stored = []
        pools: list[PoolsRead] = []
        answered: dict[int, float] = {}
        # Per venue, each symbol's mark as storing the reads in turn leaves it: the last one's.
        marks_by_venue: dict[str, dict[str, tuple[float, float]]] = {}
        for record, result in reads:
            marks = {symbol: figures.mark for symbol, figures in result.symbols.items()}
            if record.kind == "manual":  # only marks: the positions are theirs
                source = str(record.settings["marks_from"])
            else:
                source = record.venue or "unknown"
                if not result.accounts:
                    raise _no_pool(record)
                pools.append(PoolsRead(record.account_id, result.accounts, result.fetched_at))
                answered[record.account_id] = result.fetched_at
            latest = marks_by_venue.setdefault(source, {})
            for symbol, price in marks.items():
                latest[symbol] = (price, result.fetched_at)
            stored.append((record, result, marks))
        write_many_pools(session, pools)
        for venue, latest in marks_by_venue.items():
            write_marks_at(session, venue, latest)
        for record, result in reads:
            if record.kind != "manual":
                self._new_tiers(session, record.venue or "unknown", result)
        write_many_success(session, answered)
        return stored

    def one_by_one(
        self, reads: Sequence[tuple[AccountRecord, FetchResult]]
    ) -> tuple[Stored, Failed]:
        """In one transaction, each read in a savepoint of its own: one that fails, alone."""
        stored: Stored = []
        failed: Failed = {}
        before_batch = dict(self._tiers_stored)
        try:
            with self.db.batch():
                for record, result in reads:
                    before_read = dict(self._tiers_stored)
                    try:
                        if record.kind == "manual":
                            marks = self.manual_marks(record, result)
                        else:
                            marks = self.venue_read(record, result)
                    except Exception as exc:
                        self._tiers_stored = before_read
                        failed[record.account_id] = exc
                    else:
                        stored.append((record, result, marks))
        except BaseException:
            self._tiers_stored = before_batch
            raise
        return stored, failed

    def manual_marks(self, record: AccountRecord, result: FetchResult) -> dict[str, float]:
        """A manual account's read: only marks (the positions are the trader's own)."""
        marks = {symbol: figures.mark for symbol, figures in result.symbols.items()}
        source = str(record.settings["marks_from"])
        with self.db.write() as session:
            write_marks(session, source, marks.items(), result.fetched_at)
        return marks

    def venue_read(self, record: AccountRecord, result: FetchResult) -> dict[str, float]:
        """An exchange or simulated account's read, all or nothing (one write); its marks."""
        if not result.accounts:
            raise _no_pool(record)
        now = result.fetched_at
        venue = record.venue or "unknown"
        marks = {symbol: figures.mark for symbol, figures in result.symbols.items()}
        # Bulk statements (live_reads.py), not the ORM's unit of work and a savepoint per call.
        with self.db.write() as session:
            write_pools(session, record.account_id, result.accounts, now)
            write_marks(session, venue, marks.items(), now)
            self._new_tiers(session, venue, result)
            write_success(session, record.account_id, now)
        return marks

    def _new_tiers(self, session: Session, venue: str, result: FetchResult) -> None:
        """The read's tier tables that are newer than the stored ones."""
        for symbol, figures in result.symbols.items():
            fetched = figures.tiers_fetched_at
            # Each account's reader fetches the tables on its own clock: store only a newer
            # one, or twenty readers would take turns rewriting the same table every cycle.
            if fetched is not None and fetched > self._tiers_stored.get((venue, symbol), -1):
                write_tiers(session, venue, symbol, figures.tiers, fetched)
                self._tiers_stored[(venue, symbol)] = fetched


def _no_pool(record: AccountRecord) -> Malformed:
    return Malformed(f"account '{record.name}': the venue returned no margin pool")
