"""The last stored book read on a thread of its own and shown in the window (through the
service's stand-in) before the service has started."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class StoredBookRead:
    """The last stored book read and shown (show_stored_book) on a thread of its own; who
    waits for it hears once it is done, and whether a book was shown."""

    def __init__(self, service: Any, url: str | None) -> None:
        self._lock = threading.Lock()
        self._shown: bool | None = None
        self._then: Callable[[bool], None] | None = None
        self.thread = threading.Thread(
            target=self._read, args=(service, url), name="monitor-stored-book", daemon=True
        )
        self.thread.start()

    def _read(self, service: Any, url: str | None) -> None:
        shown = show_stored_book(service, url)
        with self._lock:  # held while telling: once `forget` returns, no one is told
            self._shown = shown
            if self._then is not None:
                self._then(shown)

    def forget(self) -> None:
        """Tell no one: who waited is gone (the window closed before the read was done; the
        start gate it would have told is deleted with it)."""
        with self._lock:
            self._then = None

    def when_done(self, then: Callable[[bool], None]) -> None:
        """`then(shown)` once the read is done: at once if it is, else on the reading thread."""
        with self._lock:
            shown = self._shown
            if shown is None:
                self._then = then
                return
        then(shown)


def show_stored_book(service: Any, url: str | None) -> bool:
    """The last stored book, with its age, in the window before the service (ccxt, the
    venues) has started: seconds sooner. Only a database that exists is read; anything
    wrong with it is the real start's to report, just after. True if a book was shown."""
    try:
        from monitor.service.stored_book import book_snapshot
        from monitor.store.plain_read import read_last_book

        book = read_last_book(url)  # through the driver: no SQLAlchemy beside the paint
        if book is None:  # a database plain_read does not take on (not at head, say)
            from monitor.service.stored_book import last_book
            from monitor.store import open_database

            with open_database(url, create=False) as db:  # migrated to head first
                book = last_book(db)
        snap = book_snapshot(book, time.time())
        service.preview(snap)
    except Exception:  # reported by the start that follows
        return False
    return bool(snap.accounts)
