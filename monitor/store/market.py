"""Market data per venue and symbol: the latest mark price and maintenance tier table.

Upserts are a select then insert-or-update, not a dialect's ON CONFLICT, so the same code
runs on SQLite and PostgreSQL; the one writer makes that race-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.domain.model import Tier
from monitor.store.live_reads import write_marks
from monitor.store.models import MarkRow, TierTableRow
from monitor.store.position_rows import tiers_from_json, tiers_to_json
from monitor.store.records import PriceRecord

if TYPE_CHECKING:
    from monitor.store.database import Database


class MarketStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def upsert_marks(
        self, venue: str, prices: Iterable[tuple[str, float]], fetched_at: float
    ) -> None:
        """Store (symbol, mark price) pairs fetched together from `venue`."""
        with self._db.write() as s:
            write_marks(s, venue, prices, fetched_at)

    def marks(self, venue: str) -> dict[str, PriceRecord]:
        """The venue's latest marks by symbol."""
        with self._db.read() as s:
            rows = s.scalars(select(MarkRow).where(MarkRow.venue == venue))
            return {r.symbol: PriceRecord(r.venue, r.symbol, r.price, r.fetched_at) for r in rows}

    def upsert_tiers(
        self, venue: str, symbol: str, tiers: Sequence[Tier], fetched_at: float
    ) -> None:
        with self._db.write() as s:
            write_tiers(s, venue, symbol, tiers, fetched_at)

    def tiers(self, venue: str, symbol: str) -> tuple[tuple[Tier, ...], float] | None:
        """(tier table, fetched_at), or None if never fetched."""
        with self._db.read() as s:
            row = s.get(TierTableRow, (venue, symbol))
            return None if row is None else (tiers_from_json(row.tiers), row.fetched_at)


def write_tiers(
    session: Session, venue: str, symbol: str, tiers: Sequence[Tier], fetched_at: float
) -> None:
    """A symbol's maintenance tier table, inside the caller's transaction."""
    row = session.get(TierTableRow, (venue, symbol))
    if row is None:
        row = TierTableRow(venue=venue, symbol=symbol)
        session.add(row)
    row.tiers = tiers_to_json(tiers)
    row.fetched_at = fetched_at
    session.flush()  # checked and written now: a bad table fails the read it came with
