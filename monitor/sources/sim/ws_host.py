"""A websocket server on 127.0.0.1 in its own event-loop thread: the lifecycle the simulated
venues' streams share (Binance, Bybit, OKX). Transport only — no venue's rules live here.

A subclass answers connections (`_connect`) and names its open sockets (`_open_sockets`) so a
stop can close each with 1001 ("going away") before the server goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from aiohttp import WSCloseCode, web

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
# Stopping waits this long for a client's close frame, then for the server's handlers.
CLOSE_TIMEOUT_S = 0.25


async def accept(ws: web.WebSocketResponse, request: web.Request) -> bool:
    """Complete `request`'s websocket handshake on `ws`. False when the client went away during
    it (a window closed while its stream connected): nothing to serve and nothing wrong, so no
    error reaches aiohttp's log (it would print a traceback to the app's stderr). The handler
    then returns a plain `web.Response()`: aiohttp's write of it fails on the closed transport,
    which it takes quietly as a premature disconnection (an exception out of the handler, or
    the half-made `ws`, it logs as an error with a traceback)."""
    try:
        await ws.prepare(request)
    except ConnectionResetError:
        log.debug("a client went away during the websocket handshake")  # no path: it may hold a key
        return False
    return True


class LoopbackWsHost:
    thread_name = "sim-ws"

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- what a venue's stream server provides --------------------------------------------

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    def _open_sockets(self) -> list[web.WebSocketResponse]:
        raise NotImplementedError

    async def _on_open(self) -> None:
        """Runs on the server's loop before it listens."""

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (`port` 0: any free port); returns the ws:// base URL."""
        if self._thread is not None:
            raise RuntimeError(f"the stream is already served at {self.url}")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name=self.thread_name, daemon=True)
        thread.start()
        self._loop = loop  # from here on a venue's news reaches the server
        try:
            asyncio.run_coroutine_threadsafe(self._open(port), loop).result(timeout=5)
        except BaseException:
            self._loop = None
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
            raise
        self._thread = thread
        return self.url

    async def _open(self, port: int) -> None:
        await self._on_open()
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._connect)
        runner = web.AppRunner(app, shutdown_timeout=CLOSE_TIMEOUT_S, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, HOST, port)
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = runner.addresses[0][1]

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def url(self) -> str:
        if not self.running:
            raise RuntimeError("the stream is not served; call start_stream() first")
        return f"ws://{HOST}:{self._port}"

    def stop(self) -> None:
        """Close every connection (code 1001) and the server; safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = None  # from here on the venue's news wakes nothing
        asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        self._thread = None

    async def _close(self) -> None:
        closing = [
            ws.close(code=WSCloseCode.GOING_AWAY, message=b"venue stopping")
            for ws in self._open_sockets()
        ]
        await asyncio.gather(*closing, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        """Run `fn(*args)` on the server's loop (from any thread); nothing once stopped."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: stopped
                loop.call_soon_threadsafe(fn, *args)
