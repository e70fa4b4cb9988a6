"""The websocket side of the simulated OKX v5 venue: the public channel of mark prices and the
private channels of the account.

An aiohttp server on 127.0.0.1 in its own thread and event loop. It serves two of OKX's paths
(https://www.okx.com/docs-v5/en/#overview-production-trading-services; ccxt.pro's okx builds
them as urls['api']['ws'] + "/public" and + "/private"):
- /ws/v5/public, and there the "mark-price" channel (stream_session.py);
- /ws/v5/private: login, and the "account" and "positions" channels (private_session.py,
  private_payloads.py). An account event (OkxVenue.set_book) is pushed at once to that
  account's logged-in connections; their snapshots come on schedule.
Any other path (/ws/v5/business) is refused with a 404 rather than served wrongly.

venue.start_stream()        # ws://127.0.0.1:<port>; ccxt.pro connects to <it>/ws/v5/public
                            # and <it>/ws/v5/private
venue.stream.go_quiet()     # connections stay open, "ping" is answered, nothing else is sent
venue.stream.resume()       # a mark that moved meanwhile pushes at once, the rest on cadence
venue.stream.regular_s      # seconds between the private channels' regular snapshots
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from monitor.sources.sim.okx.private_payloads import AccountChange
from monitor.sources.sim.okx.private_session import REGULAR_S, PrivateSession
from monitor.sources.sim.okx.stream_session import Frame, Session
from monitor.sources.sim.ws_host import CLOSE_TIMEOUT_S, LoopbackWsHost, accept

if TYPE_CHECKING:
    from monitor.sources.sim.okx.venue import OkxVenue

PATH = "/ws/v5/public"
PRIVATE_PATH = "/ws/v5/private"


class OkxStreamServer(LoopbackWsHost):
    thread_name = "sim-okx-ws"

    """Serves `venue`'s public mark-price channel once started; every method is safe from any
    thread."""

    def __init__(self, venue: OkxVenue) -> None:
        self._venue = venue
        super().__init__()
        self._sessions: dict[Session, asyncio.Event] = {}  # each with its pump's wake-up
        self._sockets: dict[Session, web.WebSocketResponse] = {}
        self._private: dict[PrivateSession, asyncio.Event] = {}  # each with its pump's wake-up
        self._private_sockets: dict[PrivateSession, web.WebSocketResponse] = {}
        self._changed = threading.Condition()  # connections opened, closed, logged in …
        self._quiet = False
        self.regular_s = REGULAR_S  # for connections opened from now on

    def _open_sockets(self) -> list[web.WebSocketResponse]:
        return [*self._sockets.values(), *self._private_sockets.values()]

    # -- what the venue tells it ----------------------------------------------------------

    def marks_moved(self) -> None:
        """The venue's marks changed: every changed mark pushes now (200 ms apart at most)."""
        self._call(self._wake_all)

    def _wake_all(self) -> None:
        for wake in [*self._sessions.values(), *self._private.values()]:
            wake.set()

    def listening(self, api_key: str) -> bool:
        """Whether a private connection is logged in as this account."""
        with self._changed:
            return any(s.api_key == api_key for s in self._private)

    def account_changed(self, api_key: str, change: AccountChange) -> None:
        """Push an account event to the account's logged-in private connections."""
        self._call(self._deliver, api_key, change)

    def _deliver(self, api_key: str, change: AccountChange) -> None:
        now_ms = self._venue.now_ms()
        for session, wake in list(self._private.items()):
            if session.api_key == api_key:
                session.outbox += session.events(change, now_ms)
                wake.set()

    # -- the quiet fault ------------------------------------------------------------------

    def go_quiet(self) -> None:
        """Stop sending anything but pongs while keeping connections open: no mark, no request
        answer (what would have been sent is dropped, as by a venue that stalled)."""
        with self._changed:
            self._quiet = True

    def resume(self) -> None:
        """End the quiet fault: a mark that moved meanwhile pushes at once, the others when
        their 10 s are up (at once if they already are)."""
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
        """Channels (one per instId) subscribed over every open connection."""
        with self._changed:
            return sum(len(s.topics) for s in list(self._sockets))

    def wait_for_connections(self, count: int, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._sockets) >= count, timeout)

    def private_connections(self) -> int:
        with self._changed:
            return len(self._private)

    def wait_for_channel(self, api_key: str | None, channel: str, timeout: float = 5.0) -> bool:
        """Wait until a private connection of `api_key` has subscribed to `channel`."""
        with self._changed:
            return self._changed.wait_for(
                lambda: any(
                    s.api_key == api_key and channel in s.channels() for s in self._private
                ),
                timeout,
            )

    def wait_for_snapshots(self, api_key: str, count: int, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: sum(s.snapshots for s in self._private if s.api_key == api_key) >= count,
                timeout,
            )

    def _conn_count(self, api_key: str, channel: str) -> int:
        with self._changed:
            return sum(1 for s in self._private if s.api_key == api_key and channel in s.channels())

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
        session = Session(uuid.uuid4().hex[:8], {i.inst_id: i for i in self._venue.instruments})
        wake = asyncio.Event()
        with self._changed:
            self._sessions[session] = wake
            self._sockets[session] = ws
            self._changed.notify_all()
        pump = asyncio.create_task(self._pump(session, ws, wake))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    session.outbox += session.answer(message.data)
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
                pushes, wait = session.pushes(
                    loop.time(), self._venue.now_ms(), self._venue.marks()
                )
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
        venue = self._venue
        session = PrivateSession(
            uuid.uuid4().hex[:8], venue.figures, venue.uid, self._conn_count, self.regular_s
        )
        wake = asyncio.Event()
        with self._changed:
            self._private[session] = wake
            self._private_sockets[session] = ws
            self._changed.notify_all()
        pump = asyncio.create_task(self._pump_private(session, ws, wake))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    secrets, now_ms = venue.secrets(), venue.now_ms()
                    with self._changed:  # a login or a subscription: tests wait on these
                        session.outbox += session.answer(message.data, secrets, now_ms)
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
        """The private connection's only writer: answers and event pushes in order, then the
        snapshots that are due; closes the connection when the session says so."""
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
                texts, wait = [f.text for f in frames if f.keepalive], None
            else:
                with self._changed:  # snapshot counts: tests wait on these
                    snapshots, wait = session.pushes(loop.time(), self._venue.now_ms())
                    self._changed.notify_all()
                texts = [f.text for f in frames] + snapshots
            try:
                for text in texts:
                    await ws.send_str(text)
                if session.close is not None:
                    code, reason = session.close
                    await ws.close(code=code, message=reason.encode())
                    return
            except ConnectionError:
                return  # the client went away; the handler tidies up
