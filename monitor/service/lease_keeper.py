"""A collector's side of the account leases: one cycle every third of the lease, on a thread
of its own (the database may be slow or away; the service thread must not wait on it).

Each cycle renews what the collector holds and takes its fair share of what is free or
expired (store/leases.py), then tells the service which accounts to run. If the database
cannot be reached, the collector stops polling once its last renewal is a lease old — by then
another collector may hold its accounts — and takes them back when the database answers.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, Protocol

from monitor.redact import without_password
from monitor.store.database import Database

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 2.0  # the venue's default refresh interval


class Holds(Protocol):
    def hold(self, account_ids: Iterable[int]) -> Future[Any]: ...


def new_holder() -> str:
    """This collector's name in the leases table: host, process, and a random tag (a pid is
    reused after a restart; the old leases must not look like this run's)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


class LeaseKeeper:
    def __init__(
        self,
        db: Database,
        service: Holds,
        holder: str,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.service = service
        self.holder = holder
        self.lease_seconds = lease_seconds
        self.held: frozenset[int] = frozenset()
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
        self._last_renewed: float | None = None
        self._failing = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop renewing (the service still runs what it holds until it stops)."""
        self._stop.set()
        self._thread.join(timeout=self.lease_seconds + 35)

    def release(self) -> None:
        """Hand every lease back at once, once the service stopped (a clean stop: no one
        waits for them to expire)."""
        try:
            self.db.leases.release(self.holder)
        except Exception as exc:
            log.warning("leases not released (they expire): %s", _one_line(exc))

    def cycle(self) -> None:
        now = self._clock()
        try:
            held = self.db.leases.cycle(self.holder, now, self.lease_seconds)
        except Exception as exc:  # the database away, a lock timeout: retried next cycle
            if not self._failing:
                log.warning("lease renewal failed: %s", _one_line(exc))
            self._failing = True
            renewed = self._last_renewed
            if self.held and (renewed is None or now - renewed >= self.lease_seconds):
                log.warning("leases expired while the database was away: polling stopped")
                self._set(frozenset())
            return
        if self._failing:
            log.warning("lease renewal works again")
        self._failing = False
        self._last_renewed = now
        self._set(held)

    def _set(self, held: frozenset[int]) -> None:
        if held != self.held:
            log.info("holding %d account(s)", len(held))
        self.held = held
        # Not waited for: a service thread busy with a refresh must not delay the renewal.
        self.service.hold(held)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.cycle()
            self._stop.wait(self.lease_seconds / 3)


def _one_line(exc: BaseException) -> str:
    reason = getattr(exc, "orig", None) or exc
    return without_password(" ".join(str(reason).split()))[:300]
