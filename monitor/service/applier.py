"""One venue read into the store: every pool of the account in one transaction (positions,
wallets, collateral, the venue's own figures), the marks, the tier tables the reader fetched
anew, and the read's success. The service then recomputes the account from what is stored."""

from __future__ import annotations

from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.reader import FetchResult
from monitor.store.database import Database
from monitor.store.records import AccountRecord


class FetchApplier:
    def __init__(self, db: Database) -> None:
        self.db = db
        # (venue, symbol) -> when its stored tier table was fetched: tables change rarely, so
        # they are written when the reader fetched them anew, not on every read.
        self._tiers_stored: dict[tuple[str, str], float] = {}

    def manual_marks(self, record: AccountRecord, result: FetchResult) -> dict[str, float]:
        """A manual account's read: only marks (the positions are the trader's own)."""
        marks = {symbol: figures.mark for symbol, figures in result.symbols.items()}
        source = str(record.settings["marks_from"])
        self.db.market.upsert_marks(source, marks.items(), result.fetched_at)
        return marks

    def venue_read(self, record: AccountRecord, result: FetchResult) -> dict[str, float]:
        """An exchange or simulated account's read; its marks."""
        if not result.accounts:
            raise Malformed(f"account '{record.name}': the venue returned no margin pool")
        now = result.fetched_at
        self.db.positions.replace_pools(record.account_id, result.accounts, now)
        venue = record.venue or "unknown"
        marks = {symbol: figures.mark for symbol, figures in result.symbols.items()}
        self.db.market.upsert_marks(venue, marks.items(), now)
        for symbol, figures in result.symbols.items():
            fetched = figures.tiers_fetched_at
            if fetched is not None and self._tiers_stored.get((venue, symbol)) != fetched:
                self.db.market.upsert_tiers(venue, symbol, figures.tiers, fetched)
                self._tiers_stored[(venue, symbol)] = fetched
        self.db.source_status.set_success(record.account_id, now)
        return marks
