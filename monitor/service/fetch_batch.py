"""Venue reads that finish together are stored together.

Twenty accounts polled at once answer within milliseconds of each other; storing each read in
its own transactions (a commit and an fsync apiece) and recomputing after each, one after
another on the service thread, cost five times the venue's round trip. The batcher collects
the reads that finish within BATCH_WINDOW of the first and hands them to `apply` at once (one
store transaction, one recompute; the service stores them on a thread of its own, so its loop
goes on reading the answers still coming in). Each account's worker hears its own outcome: a
read that could not be stored fails alone, the others stand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from monitor.sources.exchange.reader import FetchResult

# Long enough for reads answered in the same burst to arrive, short against any interval.
BATCH_WINDOW = 0.01

# apply(reads) -> each failed read's account id and error; every other read was stored.
Apply = Callable[[Sequence[tuple[int, FetchResult]]], Awaitable[dict[int, BaseException]]]


class FetchBatcher:
    def __init__(self, apply: Apply, window: float = BATCH_WINDOW) -> None:
        self._apply = apply
        self._window = window
        self._pending: list[tuple[int, FetchResult, asyncio.Future[None]]] = []
        self._drain: asyncio.Task[None] | None = None

    async def submit(self, account_id: int, result: FetchResult) -> None:
        """Store one read with whatever else arrives meanwhile; raises this read's error."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((account_id, result, done))
        if self._drain is None or self._drain.done():
            self._drain = loop.create_task(self._apply_soon())
        await done

    async def _apply_soon(self) -> None:
        # Reads that arrive while a batch is being stored make the next batch.
        while self._pending:
            await asyncio.sleep(self._window)
            batch, self._pending = self._pending, []
            try:
                failed = await self._apply(
                    [(account_id, result) for account_id, result, _ in batch]
                )
            except Exception as exc:  # the batch's own commit failed: every read in it did
                failed = {account_id: exc for account_id, _, _ in batch}
            for account_id, _, done in batch:
                if done.done():  # its worker was cancelled (account removed, shutdown)
                    continue
                error = failed.get(account_id)
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(error)
