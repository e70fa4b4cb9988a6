"""A worker told to stop at the very moment it is woken stops.

On Python 3.11, `asyncio.wait_for` swallows a cancel that comes as what it waits on finishes.
The account worker waited for its next read so, and the stream worker for its next mark:
cancelled by the service's stop in the same instant as a refresh woke it (or a mark came),
the worker carried on polling, and the stop waited its 10 s for it ("service task did not
stop in time", measured: 1 close of the demo window in 8 took 15 s instead of 6).

Each test wakes the worker and cancels it in one go, as the stop and the wake met there, and
waits for the worker to end (it either ends at once or never)."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

from monitor.domain.model import Thresholds
from monitor.service.account_worker import AccountWorker
from monitor.service.backoff import Backoff
from monitor.service.snapshot import SourceState, SourceStatus
from monitor.service.stream_worker import StreamWorker
from monitor.store.records import AccountRecord

RECORD = AccountRecord(
    1, "acct", "exchange", "binanceusdm", "USDT", {}, None, Thresholds(), 30.0, None
)


class Reader:
    """A venue read that answers when the test lets it."""

    def __init__(self) -> None:
        self.answer = asyncio.Event()
        self.reads = 0

    async def fetch(self, now: float) -> None:
        self.reads += 1
        await self.answer.wait()
        self.answer.clear()

    async def close(self) -> None:
        pass


class WorkerHost:
    def __init__(self) -> None:
        self.reader = Reader()
        self.fetched = asyncio.Event()

    def clock(self) -> float:
        return 0.0

    def record(self, account_id: int) -> AccountRecord:
        return RECORD

    async def on_fetched(self, account_id: int, result: Any) -> None:
        self.fetched.set()

    def on_status(self, account_id: int, status: SourceStatus) -> None:
        pass

    def status(self, account_id: int) -> SourceStatus:
        return SourceStatus(SourceState.OK)

    def interval(self, record: AccountRecord) -> float:
        return 30.0

    def make_reader(self, record: AccountRecord) -> Reader:
        return self.reader


async def ended(task: asyncio.Task[None]) -> bool:
    done, _ = await asyncio.wait([task], timeout=2.0)
    return task in done


def test_the_account_worker_stops_when_a_refresh_wakes_it_as_it_is_stopped() -> None:
    async def run() -> bool:
        host = WorkerHost()
        worker = AccountWorker(host, 1, Backoff())
        task = asyncio.create_task(worker.run())
        host.reader.answer.set()
        await host.fetched.wait()  # read once; now asleep until its next read
        await asyncio.sleep(0)
        worker.wake()  # a refresh...
        task.cancel()  # ...as the service stops
        return await ended(task)

    assert asyncio.run(run())


def test_the_account_worker_stops_when_its_read_answers_as_it_is_stopped() -> None:
    async def run() -> bool:
        host = WorkerHost()
        worker = AccountWorker(host, 1, Backoff())
        task = asyncio.create_task(worker.run())
        while host.reader.reads == 0:
            await asyncio.sleep(0)
        host.reader.answer.set()  # the venue answers...
        task.cancel()  # ...as the service stops
        return await ended(task)

    assert asyncio.run(run())


class Stream:
    def __init__(self) -> None:
        self.mark = asyncio.Event()
        self.waiting = asyncio.Event()

    async def next(self, symbols: list[str]) -> dict[str, float]:
        self.waiting.set()
        await self.mark.wait()
        self.mark.clear()
        return {"BTC/USDT:USDT": 60_000.0}

    async def close(self) -> None:
        pass


class StreamHost:
    def __init__(self) -> None:
        self.stream = Stream()

    def clock(self) -> float:
        return 0.0

    def stream_symbols(self, account_id: int) -> list[str]:
        return ["BTC/USDT:USDT"]

    def make_stream(self, account_id: int) -> Stream:
        return self.stream

    def on_stream_marks(self, account_id: int, marks: dict[str, float], at: float) -> None:
        pass

    def on_stream_quiet(self, account_id: int, reason: str) -> None:
        pass


def test_the_stream_worker_stops_when_a_mark_comes_as_it_is_stopped() -> None:
    async def run() -> bool:
        host = StreamHost()
        worker = StreamWorker(host, 1, heartbeat=30.0)
        task = asyncio.create_task(worker.run())
        await host.stream.waiting.wait()
        await asyncio.sleep(0)
        host.stream.mark.set()  # a mark comes...
        task.cancel()  # ...as the service stops
        return await ended(task)

    assert asyncio.run(run())


def test_no_asyncio_wait_for_in_the_app() -> None:
    """The app's async code waits with a deadline through asyncio.timeout, which delivers a
    cancel that comes with what it waits on (these tests), never asyncio.wait_for."""
    root = Path(__file__).resolve().parents[2] / "monitor"
    found = [
        f"{path.relative_to(root.parent)}:{node.lineno}"
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute)
        and node.attr == "wait_for"
        and isinstance(node.value, ast.Name)
        and node.value.id == "asyncio"
    ]
    assert found == []
