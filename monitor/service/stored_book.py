"""The last stored book as a Snapshot: what the window shows while the service starts.

Starting the service (ccxt, the venues' sessions, the first round trip) takes seconds; the
database already holds every account's last read. Its figures are computed the same way the
service computes them and marked as what they are: venue accounts are STARTING with the age
of their last read (never OK: nothing here is live), manual ones MANUAL as the service has
them. No ccxt, no network: the store and the engine only.
"""

from __future__ import annotations

from monitor.contracts import configured_interval
from monitor.service.prepared import JoinedBooks, prepare
from monitor.service.recompute import SnapshotJob, build_snapshots
from monitor.service.snapshot import Snapshot, SourceState, SourceStatus
from monitor.service.stored_failure import stored_status
from monitor.sources.exchange.verified import is_verified
from monitor.store.database import Database


def stored_snapshot(db: Database, now: float) -> Snapshot:
    jobs = []
    for record in db.accounts.list():
        stored = db.source_status.get(record.account_id)
        if record.kind == "manual":
            status = SourceStatus(SourceState.MANUAL, now)
        else:
            # The last failure in the words the trader saw it in (not the library's text).
            status = stored_status(record, stored, SourceState.STARTING)
        jobs.append(
            SnapshotJob(
                prepare(record, db.positions.list(record.account_id)),
                status,
                {},  # the marks stored with the positions: those of the last read
                configured_interval(record.kind, record.settings),
                verified=record.kind != "exchange" or is_verified(record.venue),
            )
        )
    accounts = build_snapshots(jobs, JoinedBooks()) if jobs else []
    return Snapshot(now, tuple(sorted(accounts, key=lambda a: a.account_id)))
