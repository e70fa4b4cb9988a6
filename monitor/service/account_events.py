"""Each streaming account's user data stream, on the service thread: a change of its positions
or balances at the venue wakes its REST worker at once (AccountEvents says why REST reads it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from monitor.sources.exchange.account_stream import quiet_reason

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds before a closed or refused stream is opened again


class AccountEventsRunner:
    def __init__(
        self,
        make_stream: Callable[[int], Any],
        on_change: Callable[[int], None],
        on_down: Callable[[int], None] = lambda _account_id: None,
    ) -> None:
        self._make_stream = make_stream
        self._on_change = on_change
        self._on_down = on_down
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self.events: dict[int, int] = {}  # changes seen per account
        self._down: set[int] = set()  # accounts whose stream failed and waits to reopen

    def start(self, account_id: int) -> None:
        loop = asyncio.get_running_loop()
        self._tasks[account_id] = loop.create_task(self._run(account_id), name=f"user-{account_id}")

    def stop(self, account_id: int) -> None:
        task = self._tasks.pop(account_id, None)
        if task is not None:
            task.cancel()
        self.events.pop(account_id, None)
        self._down.discard(account_id)

    def up(self, account_id: int) -> bool:
        """The account's user data stream is open (as far as we know: it has not failed)."""
        return account_id in self._tasks and account_id not in self._down

    def tasks(self) -> list[asyncio.Task[None]]:
        return list(self._tasks.values())

    async def _run(self, account_id: int) -> None:
        while True:
            stream = None
            try:
                stream = self._make_stream(account_id)
                self._down.discard(account_id)
                while True:
                    await stream.next()
                    self.events[account_id] = self.events.get(account_id, 0) + 1
                    self._on_change(account_id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # REST carries on; the stream is tried again
                self._down.add(account_id)
                self._on_down(account_id)
                log.info(
                    "account #%s: user data stream down (%s); polling over REST",
                    account_id,
                    quiet_reason(exc),
                )
            finally:
                if stream is not None:
                    with contextlib.suppress(Exception):
                        async with asyncio.timeout(5.0):  # not wait_for (account_worker.py)
                            await stream.close()
            await asyncio.sleep(RETRY_AFTER)
