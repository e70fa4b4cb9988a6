"""The batcher stores reads that finish together in one batch, and stores it as soon as every
read under way has arrived — never waiting out its window for answers that are not coming."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from monitor.service.fetch_batch import FetchBatcher

LONG_WINDOW = 60.0  # a batch that waited it out would fail the test's 5-s wait


class GatedReader:
    """A reader whose fetch answers when the test opens its gate (or fails, if told to)."""

    def __init__(self, answer: Any) -> None:
        self.gate = asyncio.Event()
        self.answer = answer
        self.error: Exception | None = None

    async def fetch(self, _now: float) -> Any:
        await self.gate.wait()
        if self.error is not None:
            raise self.error
        return self.answer

    async def close(self) -> None:
        return None


class Store:
    """The batcher's apply: records each batch's account ids."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def apply(self, reads: Sequence[tuple[int, Any]]) -> dict[int, BaseException]:
        self.batches.append([account_id for account_id, _ in reads])
        return {}


async def _read_and_submit(batcher: FetchBatcher, account_id: int, reader: Any) -> None:
    result = await reader.fetch(0.0)
    await batcher.submit(account_id, result)


def test_a_batch_is_stored_once_every_read_under_way_is_in():
    async def run() -> list[list[int]]:
        store = Store()
        batcher = FetchBatcher(store.apply, window=LONG_WINDOW)
        gated = [GatedReader(f"read {i}") for i in range(3)]
        readers = [batcher.counted(i, reader) for i, reader in enumerate(gated)]
        tasks = [
            asyncio.create_task(_read_and_submit(batcher, i, reader))
            for i, reader in enumerate(readers)
        ]
        await asyncio.sleep(0)  # every fetch under way
        for reader in gated:  # the answers come in one after another
            reader.gate.set()
            await asyncio.sleep(0)
        await asyncio.wait_for(asyncio.gather(*tasks), 5.0)
        return store.batches

    assert asyncio.run(run()) == [[0, 1, 2]]  # one batch, stored without the window


def test_a_failed_read_holds_no_batch_back():
    async def run() -> list[list[int]]:
        store = Store()
        batcher = FetchBatcher(store.apply, window=LONG_WINDOW)
        good, bad = GatedReader("read"), GatedReader("never")
        bad.error = ConnectionError("venue down")
        reading = asyncio.create_task(_read_and_submit(batcher, 1, batcher.counted(1, good)))
        failing = asyncio.create_task(_read_and_submit(batcher, 2, batcher.counted(2, bad)))
        await asyncio.sleep(0)
        good.gate.set()
        await asyncio.sleep(0)
        bad.gate.set()
        await asyncio.wait_for(reading, 5.0)
        await asyncio.wait([failing], timeout=5.0)
        assert isinstance(failing.exception(), ConnectionError)
        return store.batches

    assert asyncio.run(run()) == [[1]]


def test_the_counted_reader_is_the_reader_for_everything_else():
    batcher = FetchBatcher(Store().apply)
    reader = GatedReader("x")
    counted = batcher.counted(7, reader)
    assert counted.answer == "x" and counted.gate is reader.gate
