"""Each account's streams: live marks (LiveMarks) and, where the venue has one, its user data
stream (AccountEventsRunner). Which accounts stream, and how each stream is opened, from the
account's settings or, for a simulated account, from its venue in this process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from monitor.service.account_events import AccountEventsRunner
from monitor.service.live_marks import LiveMarks
from monitor.service.sources import SimResolver, connection_for
from monitor.sources.exchange.account_stream import AccountEvents, streams_account
from monitor.sources.exchange.stream import MarkStream, streams_marks
from monitor.store.records import AccountRecord


class AccountStreams:
    def __init__(
        self,
        clock: Callable[[], float],
        sim: SimResolver | None,
        record: Callable[[int], AccountRecord],
        on_marks: Callable[[int, dict[str, float]], None],
        on_tick: Callable[[list[int]], None],
        read_now: Callable[[int], None],
    ) -> None:
        """`on_marks` applies streamed marks, `on_tick` recomputes the account on them;
        `read_now` wakes its REST read (a change at the venue, or a stream that stopped)."""
        self._sim = sim
        self._record = record
        self.live = LiveMarks(clock, self._mark_stream, on_marks, on_tick, read_now)
        self.user = AccountEventsRunner(self._account_events, read_now, read_now)

    def start(self, record: AccountRecord) -> None:
        if self.streams_marks(record):
            self.live.start(record.account_id)
            if streams_account(record) or record.kind == "simulated":
                self.user.start(record.account_id)

    def stop(self, account_id: int) -> None:
        self.live.stop(account_id)
        self.user.stop(account_id)

    def tasks(self) -> list[asyncio.Task[None]]:
        return [*self.live.tasks(), *self.user.tasks()]

    def all_up(self, account_id: int) -> bool:
        """Marks and the account's changes both stream: REST need only reconcile."""
        return self.live.streaming(account_id) and self.user.up(account_id)

    def streams_marks(self, record: AccountRecord) -> bool:
        """An exchange account that has a mark stream, or a simulated one whose venue in this
        process streams."""
        if streams_marks(record):
            return True
        if record.kind != "simulated" or self._sim is None:
            return False
        try:
            return self._sim(record).ws_url is not None
        except Exception:  # its venue is not running: the account's worker reports that
            return False

    def _ws_url(self, record: AccountRecord) -> str | None:
        connection = connection_for(record, self._sim)
        return connection.ws_url or record.settings.get("ws_url")

    def _mark_stream(self, account_id: int) -> MarkStream:
        record = self._record(account_id)
        connection = connection_for(record, self._sim)
        return MarkStream(connection.settings, self._ws_url(record))

    def _account_events(self, account_id: int) -> AccountEvents:
        record = self._record(account_id)
        connection = connection_for(record, self._sim)
        return AccountEvents(connection.settings, connection.credentials, self._ws_url(record))
