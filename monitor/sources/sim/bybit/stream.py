"""The websocket side of the simulated Bybit v5 venue: the public linear stream's tickers and
the private stream's account events.

An aiohttp server on 127.0.0.1 in its own thread and event loop. It serves two paths of Bybit's
"Connect" page (bybit-exchange.github.io/docs/v5/ws/connect):
- the "USDT, USDC perpetual & USDT Futures" public stream, wss://stream.bybit.com/v5/public/
  linear (ccxt.pro's bybit urls['api']['ws']['public']['linear']), where both the USDT
  perpetuals (BTCUSDT) and the USDC ones (BTCPERP) are; protocol and pushes: stream_session.py;
- the private stream, wss://stream.bybit.com/v5/private (ccxt.pro's urls['api']['ws']
  ['private']['contract'], and ['spot']['unified']); auth, topics and pushes:
  private_session.py and private_payloads.py. An account event (BybitVenue.set_book) is pushed
  at once to that account's authenticated connections.
Any other path (spot, inverse, option, order entry) is refused with a 404 rather than served
wrongly.

venue.start_stream()        # ws://127.0.0.1:<port>; ccxt.pro connects to <it>/v5/public/linear
                            # and <it>/v5/private
venue.stream.go_quiet()     # connections stay open, pings are answered, nothing else is sent
venue.stream.resume()       # a changed ticker pushes at once, the rest on cadence
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from typing import TYPE_CHECKING

from aiohttp import WSCloseCode, WSMsgType, web

from monitor.sources.sim.bybit.private_payloads import AccountChange
from monitor.sources.sim.bybit.private_session import PrivateSession
from monitor.sources.sim.bybit.stream_session import Frame, Session

if TYPE_CHECKING:
    from monitor.sources.sim.bybit.venue import BybitVenue

HOST = "127.0.0.1"
PATH = "/v5/public/linear"
PRIVATE_PATH = "/v5/private"
CLOSE_TIMEOUT_S = 0.25  # for a client's close frame, then for the server's handlers


class BybitStreamServer:
    """Serves `venue`'s public linear stream once started; every method is safe from any
    thread."""

    def __init__(self, venue: BybitVenue) -> None:
        self._venue = venue
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._sessions: dict[Session, asyncio.Event] = {}  # each with its pump's wake-up
        self._sockets: dict[Session, web.WebSocketResponse] = {}
        self._private: dict[PrivateSession, asyncio.Event] = {}  # each with its pump's wake-up
        self._private_sockets: dict[PrivateSession, web.WebSocketResponse] = {}
        self._changed = threading.Condition()  # connections opened, closed, authenticated …
        self._quiet = False

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (`port` 0: any free port); returns the ws:// base URL."""
        if self._thread is not None:
            raise RuntimeError(f"the stream is already served at {self.url}")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="sim-bybit-ws", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._open(port), loop).result(timeout=5)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
            raise
        self._loop, self._thread = loop, thread
        return self.url

    async def _open(self, port: int) -> None:
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
        self._loop = None  # from here on a mark move wakes nothing
        asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        self._thread = None

    async def _close(self) -> None:
        closing = [
            ws.close(code=WSCloseCode.GOING_AWAY, message=b"venue stopping")
            for ws in [*self._sockets.values(), *self._private_sockets.values()]
        ]
        await asyncio.gather(*closing, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)

    # -- what the venue tells it ----------------------------------------------------------

    def marks_moved(self) -> None:
        """The venue's marks changed: every topic pushes its delta now (100 ms apart at most)."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: stopped
                loop.call_soon_threadsafe(self._wake_all)

    def _wake_all(self) -> None:
        for wake in [*self._sessions.values(), *self._private.values()]:
            wake.set()

    def listening(self, api_key: str) -> bool:
        """Whether a private connection is authenticated as this account."""
        with self._changed:
            return any(s.api_key == api_key for s in self._private)

    def account_changed(self, api_key: str, change: AccountChange) -> None:
        """Push an account event to the account's authenticated private connections."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: stopped
                loop.call_soon_threadsafe(self._deliver, api_key, change)

    def _deliver(self, api_key: str, change: AccountChange) -> None:
        now_ms = self._venue.now_ms()
        for session, wake in list(self._private.items()):
            if session.api_key == api_key:
                session.outbox += session.pushes(change, now_ms)
                wake.set()

    # -- the quiet fault ------------------------------------------------------------------

    def go_quiet(self) -> None:
        """Stop sending anything but pongs while keeping connections open: no snapshot, no
        delta, no request answer (what would have been sent is dropped, as by a venue that
        stalled; the deltas that follow are against what each client last received)."""
        with self._changed:
            self._quiet = True

    def resume(self) -> None:
        """End the quiet fault: a ticker that changed meanwhile pushes at once, the others
        when their second is up (at once if it already is)."""
        with self._changed:
            self._quiet = False
        self.marks_moved()

    @property
    def quiet(self) -> bool:
        with self._changed:
            return self._quiet

    # -- connections ----------------------------------------------------------------------

    def connections(self) -> int:
        with self._changed:
            return len(self._sockets)

    def subscribed(self) -> int:
        """Topics subscribed over every open connection."""
        with self._changed:
            return sum(len(s.topics) for s in list(self._sockets))

    def wait_for_connections(self, count: int, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._sockets) >= count, timeout)

    def private_connections(self) -> int:
        with self._changed:
            return len(self._private)

    def wait_for_topic(self, api_key: str | None, topic: str, timeout: float = 5.0) -> bool:
        """Wait until a private connection of `api_key` holds `topic`."""
        with self._changed:
            return self._changed.wait_for(
                lambda: any(s.api_key == api_key and topic in s.topics for s in self._private),
                timeout,
            )

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        if request.path.rstrip("/") == PRIVATE_PATH:
            return await self._connect_private(request)
        if request.path.rstrip("/") != PATH:
            raise web.HTTPNotFound(
                text=f"no stream at {request.path}: this venue serves {PATH} and {PRIVATE_PATH}"
            )
        ws = web.WebSocketResponse(timeout=CLOSE_TIMEOUT_S)
        await ws.prepare(request)
        session = Session(str(uuid.uuid4()), self._venue.market_by_id)
        wake = asyncio.Event()
        with self._changed:
            self._sessions[session] = wake
            self._sockets[session] = ws
            self._changed.notify_all()
        pump = asyncio.create_task(self._pump(session, ws, wake))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    session.outbox.append(session.answer(message.data))
                    wake.set()
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            with self._changed:
                del self._sessions[session]
                del self._sockets[session]
                self._changed.notify_all()
        return ws

    async def _pump(self, session: Session, ws: web.WebSocketResponse, wake: asyncio.Event) -> None:
        """The connection's only writer: answers in order, then the pushes that are due."""
        loop = asyncio.get_running_loop()
        wait: float | None = None
        while not ws.closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), wait)
            wake.clear()
            frames: list[Frame] = session.outbox
            session.outbox = []
            if self.quiet:
                frames, wait = [f for f in frames if f.keepalive], None
                texts = [f.text for f in frames]
            else:
                pushes, wait = session.pushes(loop.time(), self._venue.now_ms(), self._venue.marks)
                texts = [f.text for f in frames] + pushes
            try:
                for text in texts:
                    await ws.send_str(text)
            except ConnectionError:
                return  # the client went away; the handler tidies up

    # -- the private stream ---------------------------------------------------------------

    async def _connect_private(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(timeout=CLOSE_TIMEOUT_S)
        await ws.prepare(request)
        session = PrivateSession(str(uuid.uuid4()))
        wake = asyncio.Event()
        with self._changed:
            self._private[session] = wake
            self._private_sockets[session] = ws
            self._changed.notify_all()
        pump = asyncio.create_task(self._pump_private(session, ws, wake))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    secrets, now_ms = self._venue.secrets(), self._venue.now_ms()
                    with self._changed:  # an auth or a subscription: tests wait on these
                        session.outbox.append(session.answer(message.data, secrets, now_ms))
                        self._changed.notify_all()
                    wake.set()
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            with self._changed:
                del self._private[session]
                del self._private_sockets[session]
                self._changed.notify_all()
        return ws

    async def _pump_private(
        self, session: PrivateSession, ws: web.WebSocketResponse, wake: asyncio.Event
    ) -> None:
        """The private connection's only writer: answers and account events, in order."""
        while not ws.closed:
            await wake.wait()
            wake.clear()
            frames: list[Frame] = session.outbox
            session.outbox = []
            if self.quiet:
                frames = [f for f in frames if f.keepalive]
            try:
                for frame in frames:
                    await ws.send_str(frame.text)
            except ConnectionError:
                return  # the client went away; the handler tidies up
