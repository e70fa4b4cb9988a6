"""Where each account's marks come from (a stream, a REST read, a venue's public ticker) and
when, on the service thread; typed marks are those of no origin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from monitor.service.snapshot import MarkOrigin
from monitor.store.records import AccountRecord, PriceRecord, StoredPosition


def public_venue(record: AccountRecord) -> str | None:
    """The venue whose public data a manual account's marks can come from: the one its live
    marks are set to follow, else the venue the trader named for it."""
    if record.kind != "manual":
        return None
    return str(record.settings.get("marks_from") or record.venue or "") or None


class MarkOrigins:
    def __init__(self) -> None:
        self._by_account: dict[int, dict[str, MarkOrigin]] = {}

    def read(self, account_id: int, marks: Mapping[str, float], source: str, at: float) -> None:
        """Marks read together: every symbol's origin is this read."""
        table = self._by_account.setdefault(account_id, {})
        for symbol, price in marks.items():
            table[symbol] = MarkOrigin(symbol, source, at, price)

    def seed_stored(
        self,
        account_id: int,
        stored: Iterable[StoredPosition],
        venue_marks: Mapping[str, PriceRecord],
    ) -> None:
        """After a restart: a typed position still at the mark last read from its venue got
        that mark from the venue (a refresh wrote it), as of that read."""
        for s in stored:
            price = venue_marks.get(s.position.symbol)
            if price is not None and price.price == s.position.mark_price:
                self.read(account_id, {price.symbol: price.price}, "public", price.fetched_at)

    def streamed_after(
        self, account_id: int, at: float, symbols: Iterable[str]
    ) -> dict[str, float]:
        """Of `symbols`, the marks the account's stream delivered after `at` (a REST read's
        request time): newer than what that read answered with."""
        table = self._by_account.get(account_id, {})
        origins = (table.get(symbol) for symbol in symbols)
        return {o.symbol: o.price for o in origins if o and o.source == "stream" and o.at > at}

    def of(self, account_id: int) -> tuple[MarkOrigin, ...]:
        table = self._by_account.get(account_id, {})
        return tuple(table[s] for s in sorted(table))

    def forget(self, account_id: int) -> None:
        self._by_account.pop(account_id, None)
