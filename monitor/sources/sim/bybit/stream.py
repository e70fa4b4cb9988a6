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

from aiohttp import WSMsgType, web

from monitor.sources.sim.bybit.private_payloads import AccountChange
from monitor.sources.sim.bybit.private_session import PrivateSession
from monitor.sources.sim.bybit.stream_session import Frame, Session
from monitor.sources.sim.ws_host import CLOSE_TIMEOUT_S, LoopbackWsHost, accept

if TYPE_CHECKING:
    from monitor.sources.sim.bybit.venue import BybitVenue

PATH = "/v5/public/linear"
PRIVATE_PATH = "/v5/private"


class BybitStreamServer(LoopbackWsHost):
    thread_name = "sim-bybit-ws"

    """Serves `venue`'s public linear stream once started; every method is safe from any
    thread."""

    def __init__(self, venue: BybitVenue) -> None:
        self._venue = venue
        super().__init__()
        self._sessions: dict[Session, asyncio.Event] = {}  # each with its pump's wake-up
        self._sockets: dict[Session, web.WebSocketResponse] = {}
        self._private: dict[PrivateSession, asyncio.Event] = {}  # each with its pump's wake-up
        self._private_sockets: dict[PrivateSession, web.WebSocketResponse] = {}
        self._changed = threading.Condition()  # connections opened, closed, authenticated …
        self._quiet = False

    def _open_sockets(self) -> list[web.WebSocketResponse]:
        return [*self._sockets.values(), *self._private_sockets.values()]

    # -- what the venue tells it ----------------------------------------------------------

    def marks_moved(self) -> None:
        """The venue's marks changed: every topic pushes its delta now (100 ms apart at most)."""
        self._call(self._wake_all)

    def _wake_all(self) -> None:
        for wake in [*self._sessions.values(), *self._private.values()]:
            wake.set()

    def listening(self, api_key: str) -> bool:
        """Whether a private connection is authenticated as this account."""
        with self._changed:
            return any(s.api_key == api_key for s in self._private)

    def account_changed(self, api_key: str, change: AccountChange) -> None:
        """Push an account event to the account's authenticated private connections."""
        self._call(self._deliver, api_key, change)

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
        if not await accept(ws, request):
            return web.Response()  # the client is gone (see accept)
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
                async with asyncio.timeout(wait):  # not wait_for (ws_server.py)
                    await wake.wait()
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
        if not await accept(ws, request):
            return web.Response()  # the client is gone (see accept)
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
