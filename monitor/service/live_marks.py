"""Streams of live marks for the accounts that have one, on the service thread.

Each stream's marks are read from its cache a moment after they come (SETTLE, so one burst of
per-symbol messages counts as one move) and the account recomputed — coalesced, at most
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
# One move of the venue's marks reaches us as one message per symbol, a few milliseconds
# apart: recomputing on the first would judge the book on marks of two moments (a long
# leg moved, its hedge not yet) and ring a level that is gone 50 ms later. The marks of a
# burst are let in together.
SETTLE = 0.05


class LiveMarks:
    def __init__(
        self,
        clock: Callable[[], float],
        make_stream: Callable[[int], Any],
        apply: Callable[[int, dict[str, float]], None],
        recompute: Callable[[list[int]], None],
        on_quiet: Callable[[int], None] = lambda _account_id: None,
    ) -> None:
        self._clock = clock
        self._make_stream = make_stream
        self._apply = apply
        self._recompute = recompute
        self._on_quiet = on_quiet
        self.symbols: dict[int, list[str]] = {}  # what each account holds, from its REST reads
        self.seen: dict[int, float] = {}  # when each stream last delivered
        self._workers: dict[int, StreamWorker] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._dirty: set[int] = set()
        self._coalescer: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    def start(self, account_id: int) -> None:
        worker = StreamWorker(self, account_id)
        self._workers[account_id] = worker
        loop = asyncio.get_running_loop()
        self._tasks[account_id] = loop.create_task(worker.run(), name=f"stream-{account_id}")
        if self._coalescer is None:
            self._wake = asyncio.Event()
            self._coalescer = loop.create_task(self._coalesce(), name="stream-recompute")

    def stop(self, account_id: int) -> None:
        self._workers.pop(account_id, None)
        task = self._tasks.pop(account_id, None)
        if task is not None:
            task.cancel()
        for table in (self.symbols, self.seen):
            table.pop(account_id, None)
        self._dirty.discard(account_id)

    def hold(self, account_id: int, symbols: list[str]) -> None:
        """What the account holds now (from its REST read): its stream follows these. A worker
        still waiting for its first symbols opens its stream at once."""
        self.symbols[account_id] = symbols
        worker = self._workers.get(account_id)
        if worker is not None and symbols:
            worker.named.set()

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
        # Applied when the account is recomputed, after SETTLE: from the stream's cache then.
        self.seen[account_id] = at
        self._dirty.add(account_id)
        if self._wake is not None:
            self._wake.set()

    def on_stream_quiet(self, account_id: int, reason: str) -> None:
        log.info("account #%s: live marks stream down (%s); reading over REST", account_id, reason)
        self._on_quiet(account_id)

    async def _coalesce(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(SETTLE)
            dirty, self._dirty = self._dirty, set()
            moved = []
            for account_id in sorted(dirty):
                worker = self._workers.get(account_id)
                if worker is None:
                    continue
                try:
                    marks = worker.latest()
                    if marks:
                        self._apply(account_id, marks)
                    moved.append(account_id)
                except Exception:  # one account's failure must not stop the others' marks
                    log.exception("reading live marks failed (account #%s)", account_id)
            # Every account the marks moved, in one evaluation (a symbol held by many).
            try:
                if moved:
                    self._recompute(moved)
            except Exception:
                log.exception("recompute after live marks failed (accounts %s)", moved)
            await asyncio.sleep(1.0 / MAX_RATE - SETTLE)
