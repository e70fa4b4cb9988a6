"""Venue reads that finish together are stored together.

Twenty accounts polled at once answer within milliseconds of each other; storing each read in
its own transactions (a commit and an fsync apiece) and recomputing after each, one after
another on the service thread, cost five times the venue's round trip. The batcher collects
the reads that finish within BATCH_WINDOW of the first and hands them to `apply` at once (one
store transaction, one recompute; the service stores them on a thread of its own, so its loop
goes on reading the answers still coming in). Each account's worker hears its own outcome: a
read that could not be stored fails alone, the others stand.

The window is a wait for reads still under way: the batcher counts them (`counted` wraps each
account's reader), and once every read under way has arrived it stores the batch at once —
the last answer of a cycle no longer waits out a window for answers that are not coming.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from monitor.sources.exchange.reader import FetchResult

# Long enough for reads answered in the same burst to arrive, short against any interval.
BATCH_WINDOW = 0.01

# apply(reads) -> each failed read's account id and error; every other read was stored.
Apply = Callable[[Sequence[tuple[int, FetchResult]]], Awaitable[dict[int, BaseException]]]


class FetchBatcher:
    def __init__(
        self,
        apply: Apply,
        window: float = BATCH_WINDOW,
        after: Callable[[], None] | None = None,
    ) -> None:
        self._apply = apply
        # Called once a batch's readers have heard their outcomes (queued behind their wake-ups).
        self._after = after
        self._window = window
        self._pending: list[tuple[int, FetchResult, asyncio.Future[None]]] = []
        self._drain: asyncio.Task[None] | None = None
        # Accounts whose read is under way: from its fetch's start until it is submitted here
        # (or its fetch failed). `_arrived` wakes the window when one leaves the set.
        self._reading: set[int] = set()
        self._arrived: asyncio.Event | None = None

    def reading(self) -> bool:
        """Whether a read is under way or waiting to be stored."""
        return bool(self._reading or self._pending)

    def counted(self, account_id: int, reader: Any) -> Any:
        """`reader`, its fetches counted as reads under way of `account_id`."""
        return CountedReader(self, account_id, reader)

    def read_started(self, account_id: int) -> None:
        self._reading.add(account_id)

    def read_ended(self, account_id: int) -> None:
        """A read is no longer under way: submitted, or nothing to submit (it failed)."""
        self._reading.discard(account_id)
        if self._arrived is not None:
            self._arrived.set()

    async def submit(self, account_id: int, result: FetchResult) -> None:
        """Store one read with whatever else arrives meanwhile; raises this read's error."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((account_id, result, done))
        self.read_ended(account_id)
        if self._drain is None or self._drain.done():
            self._drain = loop.create_task(self._apply_soon())
        await done

    async def _apply_soon(self) -> None:
        # Reads that arrive while a batch is being stored make the next batch.
        while self._pending:
            await self._gather()
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
            if self._after is not None:
                asyncio.get_running_loop().call_soon(self._after)

    async def _gather(self) -> None:
        """Wait up to the window while any read is still under way."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._window
        while self._reading:
            left = deadline - loop.time()
            if left <= 0:
                return
            arrived = self._arrived = asyncio.Event()  # made in the loop that waits on it
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):  # not wait_for (account_worker.py)
                    await arrived.wait()


class CountedReader:
    """An account's reader whose fetches the batcher counts as reads under way; everything
    else is the reader's own."""

    def __init__(self, batcher: FetchBatcher, account_id: int, reader: Any) -> None:
        self._batcher = batcher
        self._account_id = account_id
        self._reader = reader

    async def fetch(self, *args: Any, **kwargs: Any) -> Any:
        self._batcher.read_started(self._account_id)
        try:
            return await self._reader.fetch(*args, **kwargs)
        except BaseException:  # nothing to submit (a failure, a cancelled or timed-out read)
            self._batcher.read_ended(self._account_id)
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)
