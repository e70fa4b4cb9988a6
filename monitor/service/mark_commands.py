"""A manual account's typed marks replaced by its venue's public marks, on request."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from monitor.service.mark_origins import public_venue

if TYPE_CHECKING:
    from monitor.service.loop_thread import LoopThread
    from monitor.service.mark_origins import MarkOrigins
    from monitor.service.sources import MarksFactory
    from monitor.store.database import Database


class MarkCommandsMixin:
    """MonitorService's mark commands; the service provides what is declared here."""

    if TYPE_CHECKING:
        db: Database
        _thread: LoopThread
        _marks_factory: MarksFactory
        _origins: MarkOrigins

        def clock(self) -> float: ...
        def _symbols(self, account_id: int) -> list[str]: ...
        def _recompute(self, account_id: int) -> None: ...

    def refresh_marks(self, account_id: int) -> Future[dict[str, float]]:
        """Read the venue's public mark of every symbol the manual account holds (what-ifs
        included: one symbol's legs move as one), write them over the typed marks and
        recompute. The marks are kept as the venue's (as of this read) across a restart."""

        async def run() -> dict[str, float]:
            record = self.db.accounts.get(account_id)
            venue = public_venue(record)
            if venue is None:
                raise ValueError(
                    f"account '{record.name}': no venue to read marks from (only a manual "
                    "account with a venue set has public marks to refresh)"
                )
            symbols = self._symbols(account_id)
            if not symbols:
                return {}
            source: Any = self._marks_factory(venue, record.settings.get("marks_api_url"))
            try:
                marks = dict(await source.fetch(symbols))
            finally:
                await source.close()
            now = self.clock()
            self.db.market.upsert_marks(venue, marks.items(), now)
            self.db.positions.set_marks(account_id, marks)
            self._origins.read(account_id, marks, "public", now)
            self._recompute(account_id)
            return marks

        return self._thread.submit(run())
