"""Venue reads into the store. One read is all or nothing: every pool of the account
(positions, wallets, collateral, the venue's own figures), the marks, the tier tables the reader
fetched anew, and the read's success. Reads that finish together share one transaction (one
commit), each in a savepoint of its own, its rows in bulk statements. The service then
recomputes the accounts from what is stored."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.reader import FetchResult
from monitor.store.database import Database
from monitor.store.live_reads import write_marks, write_pools, write_success
from monitor.store.market import write_tiers
from monitor.store.records import AccountRecord


class FetchApplier:
    def __init__(self, db: Database) -> None:
        self.db = db
        # (venue, symbol) -> when its stored tier table was fetched: tables change rarely, so
        # they are written when the reader fetched them anew, not on every read.
        self._tiers_stored: dict[tuple[str, str], float] = {}

    def store_reads(
        self, reads: Sequence[tuple[AccountRecord, FetchResult]]
    ) -> tuple[list[tuple[AccountRecord, FetchResult, dict[str, float]]], dict[int, BaseException]]:
        """Several reads in one transaction (one commit), each read all or nothing on its own
        (a savepoint): returns the reads stored, each with its marks, and each failed read's
        account id and error. Only a failing commit raises (then nothing was stored)."""
        stored: list[tuple[AccountRecord, FetchResult, dict[str, float]]] = []
        failed: dict[int, BaseException] = {}
        # What tier tables are stored is known only once the batch commits.
        before_batch = dict(self._tiers_stored)
        try:
            with self.db.batch():
                for record, result in reads:
                    before_read = dict(self._tiers_stored)
                    try:  # each opens one write: in the batch, the read's savepoint
                        if record.kind == "manual":  # only marks: the positions are theirs
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
            raise Malformed(f"account '{record.name}': the venue returned no margin pool")
        now = result.fetched_at
        venue = record.venue or "unknown"
        marks = {symbol: figures.mark for symbol, figures in result.symbols.items()}
        # Bulk statements (live_reads.py), not the ORM's unit of work and a savepoint per call.
        with self.db.write() as session:
            write_pools(session, record.account_id, result.accounts, now)
            write_marks(session, venue, marks.items(), now)
            for symbol, figures in result.symbols.items():
                fetched = figures.tiers_fetched_at
                # Each account's reader fetches the tables on its own clock: store only a newer
                # one, or twenty readers would take turns rewriting the same table every cycle.
                if fetched is not None and fetched > self._tiers_stored.get((venue, symbol), -1):
                    write_tiers(session, venue, symbol, figures.tiers, fetched)
                    self._tiers_stored[(venue, symbol)] = fetched
            write_success(session, record.account_id, now)
        return marks
