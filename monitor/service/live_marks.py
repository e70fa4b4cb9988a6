"""Streams of live marks for the accounts that have one, on the service thread.

Each stream's marks are applied as they come and the account recomputed — coalesced, at most
MAX_RATE times a second per account — so health, alerts and the window follow the market
between two REST refreshes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from monitor.service.stream_worker import StreamWorker

log = logging.getLogger(__name__)

MAX_RATE = 10.0  # recomputes a second per account, at most


class LiveMarks:
    def __init__(
        self,
        clock: Callable[[], float],
        make_stream: Callable[[int], Any],
        apply: Callable[[int, dict[str, float]], None],
        recompute: Callable[[int], None],
    ) -> None:
        self._clock = clock
        self._make_stream = make_stream
        self._apply = apply
        self._recompute = recompute
        self.symbols: dict[int, list[str]] = {}  # what each account holds, from its REST reads
        self.seen: dict[int, float] = {}  # when each stream last delivered
        self._workers: dict[int, StreamWorker] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._dirty: set[int] = set()
        self._coalescer: asyncio.Task[None] | None = None

    def start(self, account_id: int) -> None:
        worker = StreamWorker(self, account_id)
        self._workers[account_id] = worker
        loop = asyncio.get_running_loop()
        self._tasks[account_id] = loop.create_task(worker.run(), name=f"stream-{account_id}")
        if self._coalescer is None:
            self._coalescer = loop.create_task(self._coalesce(), name="stream-recompute")

    def stop(self, account_id: int) -> None:
        self._workers.pop(account_id, None)
        task = self._tasks.pop(account_id, None)
        if task is not None:
            task.cancel()
        for table in (self.symbols, self.seen):
            table.pop(account_id, None)
        self._dirty.discard(account_id)

    def tasks(self) -> list[asyncio.Task[None]]:
        return [*self._tasks.values(), *([self._coalescer] if self._coalescer else [])]

    def streaming(self, account_id: int) -> bool:
        worker = self._workers.get(account_id)
        return worker is not None and worker.up

    # -- StreamHost ---------------------------------------------------------------------

    def clock(self) -> float:
        return self._clock()

    def stream_symbols(self, account_id: int) -> list[str]:
        return self.symbols.get(account_id, [])

    def make_stream(self, account_id: int) -> Any:
        return self._make_stream(account_id)

    def on_stream_marks(self, account_id: int, marks: dict[str, float], at: float) -> None:
        if account_id not in self._workers:
            return
        self._apply(account_id, marks)
        self.seen[account_id] = at
        self._dirty.add(account_id)

    def on_stream_quiet(self, account_id: int, reason: str) -> None:
        log.info("account #%s: live marks stream down (%s); reading over REST", account_id, reason)

    async def _coalesce(self) -> None:
        while True:
            await asyncio.sleep(1.0 / MAX_RATE)
            dirty, self._dirty = self._dirty, set()
            for account_id in dirty:
                try:
                    self._recompute(account_id)
                except Exception:  # one account's failure must not stop the others' marks
                    log.exception("recompute after live marks failed (account #%s)", account_id)
