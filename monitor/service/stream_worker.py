"""One account's live marks: a websocket stream beside the REST polling (AccountWorker).

REST stays for the first read, for positions and balances, and as the fallback; the stream
only moves marks between two refreshes, so health follows the market as it moves. A stream that
stays silent for its heartbeat is quiet: the account carries on over REST (its figures are
stale only when both are), and the stream is opened again after a pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol

log = logging.getLogger(__name__)

# Binance's @1s mark streams send at least one message a second per symbol.
HEARTBEAT = 3.0
RETRY_AFTER = 5.0


class StreamHost(Protocol):
    def clock(self) -> float: ...
    def stream_symbols(self, account_id: int) -> list[str]: ...
    def make_stream(self, account_id: int) -> Any: ...
    def on_stream_marks(self, account_id: int, marks: dict[str, float], at: float) -> None: ...
    def on_stream_quiet(self, account_id: int, reason: str) -> None: ...


class StreamWorker:
    def __init__(self, host: StreamHost, account_id: int, heartbeat: float = HEARTBEAT) -> None:
        self.host = host
        self.account_id = account_id
        self.heartbeat = heartbeat
        self.up = False
        self._stream: Any = None
        self._symbols: list[str] = []
        # Set by the host when it names the account's symbols (its first REST read): the
        # stream opens then, not at a later look (a second's poll was the tail of issue 11's
        # latency bench: the first alert after a start waited for it).
        self.named = asyncio.Event()

    def latest(self) -> dict[str, float]:
        """Every held symbol's latest mark in the open stream's cache: read when the account is
        recomputed, so the messages of one burst that came after the one that woke us count."""
        if self._stream is None:
            return {}
        return dict(self._stream.latest(self._symbols))

    async def run(self) -> None:
        while True:
            symbols = self.host.stream_symbols(self.account_id)
            if not symbols:  # nothing held yet: the first REST read tells which
                self.named.clear()
                await self.named.wait()
                continue
            stream = None
            failed = False
            try:
                stream = self.host.make_stream(self.account_id)
                await self._read(stream, symbols)  # returns when the book's symbols change
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a quiet, closed or refused stream: REST carries on
                self.up, failed = False, True
                self.host.on_stream_quiet(self.account_id, f"{type(exc).__name__}: {exc}")
            finally:
                if stream is not None:
                    with contextlib.suppress(Exception):
                        async with asyncio.timeout(5.0):
                            await stream.close()
            if failed:
                await asyncio.sleep(RETRY_AFTER)

    async def _read(self, stream: Any, symbols: list[str]) -> None:
        self._stream, self._symbols = stream, symbols
        try:
            await self._pump(stream, symbols)
        finally:
            self._stream = None

    async def _pump(self, stream: Any, symbols: list[str]) -> None:
        # The venue's own heartbeat where the stream states one (OKX pushes a mark that stands
        # still only every 10 s), else ours.
        heartbeat = float(getattr(stream, "heartbeat", self.heartbeat))
        while True:
            try:
                # Not wait_for: it swallows a stop that comes with a mark (account_worker.py).
                async with asyncio.timeout(heartbeat):
                    marks = await stream.next(symbols)
            except TimeoutError:
                raise TimeoutError(f"no mark for {heartbeat:g} s") from None
            self.up = True
            self.host.on_stream_marks(self.account_id, marks, self.host.clock())
            now_held = self.host.stream_symbols(self.account_id)
            if set(now_held) != set(symbols):
                return  # the book changed: subscribe again to what it holds now
