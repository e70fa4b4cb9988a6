"""One account's polling task: fetch, hand the result over, back off on failure."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
from typing import Any, Protocol

from monitor.service.backoff import Backoff
from monitor.service.snapshot import SourceState, SourceStatus
from monitor.sources.exchange.diagnosis import status_sentence
from monitor.sources.exchange.errors import (
    AuthFailed,
    PermissionDenied,
    SourceError,
    Transient,
    clean_reason,
)
from monitor.sources.exchange.reader import FetchResult
from monitor.store.records import AccountRecord

# ccxt has its own timeout; this is the backstop for a venue that never answers at all.
FETCH_DEADLINE = 60.0
CLOSE_DEADLINE = 5.0
# Accounts started together (a window opening, a collector taking its share) would all read in
# the same instant and, each sleeping its interval after its read, in the same instant every
# interval after: 200 accounts were one burst of hundreds of requests (the venue answered late,
# RequestTimeouts) and then nothing. Their first reads are spread over the interval, at most
# FIRST_READ_GAP apart, so that a handful of accounts still shows its first figures at once.
FIRST_READ_GAP = 0.1


def first_read_delays(intervals: list[float]) -> list[float]:
    """Seconds each of the accounts started together waits before its first read."""
    count = len(intervals)
    return [i * min(FIRST_READ_GAP, interval / count) for i, interval in enumerate(intervals)]


def next_due(scheduled: float, interval: float, now: float) -> float:
    """After a read a refresh asked for before its time: the next read keeps the account's
    place in the interval (`scheduled`, or one interval later if that is less than half an
    interval away). "Refresh all" reads every account at once; if each then slept a whole
    interval, they would read together every interval from then on, in one burst."""
    if not math.isfinite(interval) or interval <= 0:
        return now + interval
    while scheduled - now < interval / 2:
        scheduled += interval
    return scheduled


class WorkerHost(Protocol):
    """What a worker needs from the service (all called on the service thread)."""

    def clock(self) -> float: ...
    def record(self, account_id: int) -> AccountRecord | None: ...
    async def on_fetched(self, account_id: int, result: FetchResult) -> None: ...
    def on_status(self, account_id: int, status: SourceStatus) -> None: ...
    def status(self, account_id: int) -> SourceStatus: ...
    def interval(self, record: AccountRecord) -> float: ...
    def make_reader(self, record: AccountRecord) -> Any: ...


class AccountWorker:
    def __init__(
        self, host: WorkerHost, account_id: int, backoff: Backoff, first_read_after: float = 0.0
    ) -> None:
        self.host = host
        self._first_read_after = first_read_after
        self.account_id = account_id
        self._backoff = backoff
        self._wake = asyncio.Event()
        self._rng = random.Random(account_id)
        self._reader: Any = None
        self.fetches = 0  # completed attempts, for one-shot refreshes

    @property
    def reader(self) -> Any:
        """The live reader (None between failures); only for use on the service thread."""
        return self._reader

    def wake(self) -> None:
        self._wake.set()

    async def _sleep(self, seconds: float) -> bool:
        """Sleep, or wake early when a refresh is requested; True when woken."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, seconds)):  # not wait_for: see _close_reader
                await self._wake.wait()
        woken = self._wake.is_set()
        self._wake.clear()
        return woken

    async def run(self) -> None:
        failures = 0
        loop = asyncio.get_running_loop()
        due = loop.time() + self._first_read_after  # when the next scheduled read is due
        try:
            forced = False
            if self._first_read_after > 0:
                forced = await self._sleep(self._first_read_after)  # a refresh reads at once
            while True:
                record = self.host.record(self.account_id)
                if record is None:
                    return
                delay, failures = await self._attempt(record, failures)
                self.fetches += 1
                now = loop.time()
                due = next_due(due, delay, now) if forced and failures == 0 else now + delay
                forced = await self._sleep(due - now)
        finally:
            await self._close_reader()

    async def _attempt(self, record: AccountRecord, failures: int) -> tuple[float, int]:
        """One fetch; returns (seconds until the next, consecutive failures)."""
        now = self.host.clock()
        last_success = self.host.status(self.account_id).last_success
        try:
            if self._reader is None:
                self._reader = self.host.make_reader(record)
            async with asyncio.timeout(FETCH_DEADLINE):
                result = await self._reader.fetch(now)
            # Inside the try: data that cannot be applied (no pool in it, a store error) is a
            # failed refresh with backoff, never a worker that silently stops polling.
            await self.host.on_fetched(self.account_id, result)
        except (AuthFailed, PermissionDenied) as exc:
            # A bad key will not fix itself: stop polling until the trader asks again.
            await self._close_reader()
            self.host.on_status(
                self.account_id,
                SourceStatus(
                    SourceState.AUTH_FAILED,
                    last_success,
                    str(exc),
                    None,
                    failure_advice(record, exc),
                ),
            )
            return float("inf"), failures + 1
        except Exception as exc:  # SourceError, TimeoutError, or anything unforeseen
            failures += 1
            retry_after = exc.retry_after if isinstance(exc, Transient) else None
            delay = self._backoff.delay(failures, retry_after, self._rng)
            message = describe_failure(exc)
            state = SourceState.ERROR
            self.host.on_status(
                self.account_id,
                SourceStatus(
                    state, last_success, message, now + delay, failure_advice(record, exc)
                ),
            )
            if not isinstance(exc, SourceError):
                await self._close_reader()  # an unknown failure: start from a fresh session
            return delay, failures
        return self.host.interval(record), 0

    async def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            # A broken or hung session must neither stop the worker nor hold up a shutdown.
            # asyncio.timeout, never wait_for, in this loop: on Python 3.11 wait_for swallows a
            # cancel that comes as what it waits on finishes (a wake or a read at the moment
            # the service stops), and the worker polled on: the app's close waited 10 s for it.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_DEADLINE):
                    await reader.close()


def failure_advice(record: AccountRecord, exc: BaseException) -> str | None:
    """The failure in a trader's words; None when even that fails (the raw text remains)."""
    if isinstance(exc, TimeoutError):
        return (
            f"Cannot reach the venue: no answer within {FETCH_DEADLINE:.0f} s. Check your "
            "network, a proxy or a firewall; the app keeps retrying."
        )
    venue = str(record.settings.get("exchange_id") or record.venue or "the venue")
    try:
        return status_sentence(exc, venue, record.settings.get("api_url"))
    except Exception:  # a diagnosis must never stop the polling
        return None


def describe_failure(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {FETCH_DEADLINE:.0f} s"
    if isinstance(exc, SourceError):
        return str(exc)
    return f"{type(exc).__name__}: {clean_reason(str(exc))}"
