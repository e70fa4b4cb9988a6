"""A viewer window's feed: LISTEN for what the collectors wrote and have the service re-read
those accounts, on a thread of its own with its own connection.

Notifications arriving together are read in one go (a batch every quarter second at most),
so forty accounts refreshed at once cost one reload, not forty; and one reload runs at a time,
what is told meanwhile merged for the next (see _reload). When the connection drops
(the server restarted, a network cut) the feed reconnects with a growing pause, and then
re-reads every account: what was written meanwhile was told to nobody. Meanwhile the window
shows the figures it has, turning stale at the usual stale window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from typing import Any, Protocol

from sqlalchemy.engine import URL

from monitor.service.store_notices import CHANNEL, connect
from monitor.store.postgresql import one_line

log = logging.getLogger(__name__)

BATCH_SECONDS = 0.25
RECONNECT_MAX_SECONDS = 5.0


class Reloads(Protocol):
    def reload(self, account_ids: Iterable[int] | None = None) -> Future[Any]: ...


class ViewerFeed:
    def __init__(self, url: URL, service: Reloads) -> None:
        self._url = url
        self._service = service
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in place
        self.reloads = 0  # batches handed to the service (a test's wait-for-condition)
        # What waits for the reload running to finish: these accounts, or every one.
        self._waiting: set[int] = set()
        self._everything = False
        self._running: Future[Any] | None = None
        self._thread = threading.Thread(target=self._run, name="viewer-feed", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=BATCH_SECONDS + 15)

    def _run(self) -> None:
        import psycopg

        pause = 0.25
        while not self._stop.is_set():
            try:
                with connect(self._url) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    pause = 0.25
                    self._reload(None)  # whatever was written while nobody listened
                    while not self._stop.is_set():
                        ids = {
                            int(n.payload)
                            for n in conn.notifies(timeout=BATCH_SECONDS)
                            if n.payload.isdigit()
                        }
                        self._reload(ids)  # or what waited, if the reload before is done
            except psycopg.Error as exc:
                if self.listening.is_set():
                    log.warning("viewer lost the database: %s; reconnecting", one_line(exc))
                self.listening.clear()
                self._stop.wait(pause)
                pause = min(RECONNECT_MAX_SECONDS, pause * 2)
        self.listening.clear()

    def _reload(self, ids: set[int] | None) -> None:
        """Hand the service these accounts (None: every one) and what waited, unless its
        reload before still runs: then they wait, merged, for the next batch after it. A
        reload slower than the batches (every account written at once in a crash, on a
        loaded machine) queued them without end: the viewer fell further and further behind,
        and its service's stop waited behind the queue (past its 15 s)."""
        if ids is None:
            self._everything = True
        else:
            self._waiting |= ids
        if not (self._everything or self._waiting):
            return
        if self._running is not None and not self._running.done():
            return
        ids = None if self._everything else self._waiting
        self._waiting, self._everything = set(), False
        self._running = self._service.reload(ids)
        self.reloads += 1
