"""The last stored book as a Snapshot: what the window shows while the service starts.

Starting the service (ccxt, the venues' sessions, the first round trip) takes seconds; the
database already holds every account's last read. Its figures are computed the same way the
service computes them and marked as what they are: venue accounts are STARTING with the age
of their last read (never OK: nothing here is live), manual ones MANUAL as the service has
them. No ccxt, no network: the store's records and the engine only (the window's start reads
the book through the driver, store/plain_read.py; no SQLAlchemy is imported here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitor.contracts import configured_interval
from monitor.service.prepared import JoinedBooks, prepare
from monitor.service.recompute import SnapshotJob, build_snapshots
from monitor.service.snapshot import Snapshot, SourceState, SourceStatus
from monitor.service.stored_failure import stored_status
from monitor.sources.exchange.verified import is_verified
from monitor.store.records import LastBook, SourceStatusRecord

if TYPE_CHECKING:
    from monitor.store.database import Database


def stored_snapshot(db: Database, now: float) -> Snapshot:
    return book_snapshot(last_book(db), now)


def last_book(db: Database) -> LastBook:
    """The last book read through the store (plain_read.py reads the same without it)."""
    accounts = db.accounts.list()
    return LastBook(
        accounts,
        {a.account_id: db.source_status.get(a.account_id) for a in accounts},
        {a.account_id: db.positions.list(a.account_id) for a in accounts},
    )


def book_snapshot(book: LastBook, now: float) -> Snapshot:
    jobs = []
    for record in book.accounts:
        stored = book.statuses.get(record.account_id, SourceStatusRecord(record.account_id))
        if record.kind == "manual":
            status = SourceStatus(SourceState.MANUAL, now)
        else:
            # The last failure in the words the trader saw it in (not the library's text).
            status = stored_status(record, stored, SourceState.STARTING)
        jobs.append(
            SnapshotJob(
                prepare(record, book.positions.get(record.account_id, ())),
                status,
                {},  # the marks stored with the positions: those of the last read
                configured_interval(record.kind, record.settings),
                verified=record.kind != "exchange" or is_verified(record.venue),
            )
        )
    accounts = build_snapshots(jobs, JoinedBooks()) if jobs else []
    return Snapshot(now, tuple(sorted(accounts, key=lambda a: a.account_id)))
