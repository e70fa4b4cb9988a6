"""The websocket side of the simulated Binance USDⓈ-M venue: market and user data streams.

An aiohttp server on 127.0.0.1 in its own thread and event loop, so the venue's lock is only
ever held for a mark read. Paths, as Binance serves them ("Websocket Market Streams" Connect,
developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams, and
"User Data Streams" Connect), each also under the /market, /public and /private prefixes of
Binance's routed endpoints, which ccxt.pro 4.5 uses (/market/ws/<n>, /private/ws?listenKey=):

  /ws                      raw, streams added with SUBSCRIBE
  /ws/<streamName>         raw, one stream (a name the venue does not serve is ignored, as
                           ccxt.pro's /market/ws/0 needs)
  /ws/<listenKey>          the account's user data stream
  /stream?streams=a/b      combined: {"stream": name, "data": payload}; a listenKey may be one
  ...?listenKey=<key>      a user data stream on any of the above

Choices where the docs are silent: every prefix serves every stream (Binance files mark prices
under /market); a listen key that is unknown or expired is ignored like any unknown raw
stream name (no user data, no error).

The server pings every 3 minutes ("The websocket server will send a ping frame every 3
minutes"); pongs are answered even while a stream is quiet (see `go_quiet`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from monitor.sources.sim.stream_names import InvalidStream
from monitor.sources.sim.stream_payloads import listen_key_expired, mark_price_update
from monitor.sources.sim.ws_host import CLOSE_TIMEOUT_S, LoopbackWsHost, accept
from monitor.sources.sim.ws_session import Session

if TYPE_CHECKING:
    from monitor.sources.sim.venue import SimVenue

PING_INTERVAL_S = 180.0
ROUTED = ("market", "public", "private")


def _names(path: str, query: Any) -> tuple[bool, list[str]] | None:
    """(combined, stream names and listen keys) a connection path asks for; None: no such path."""
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] in ROUTED:
        parts = parts[1:]
    extra = [query["listenKey"]] if "listenKey" in query else []
    if parts == ["stream"]:
        return True, [n for n in query.get("streams", "").split("/") if n] + extra
    if parts and parts[0] == "ws" and len(parts) <= 2:
        return False, parts[1:] + extra
    return None


class StreamServer(LoopbackWsHost):
    thread_name = "sim-venue-ws"

    """Serves `venue`'s streams once started; every method is safe from any thread."""

    def __init__(self, venue: SimVenue) -> None:
        self._venue = venue
        super().__init__()
        self._sessions: dict[Session, web.WebSocketResponse] = {}
        self._changed = threading.Condition()  # connections opened or closed
        self._quiet: set[str | None] = set()  # None: every stream
        self._marks: dict[str, float] = {}
        self._version = 0

    def _open_sockets(self) -> list[web.WebSocketResponse]:
        return list(self._sessions.values())

    async def _on_open(self) -> None:
        self._marks = self._venue.marks()

    # -- what the venue tells it ----------------------------------------------------------

    def marks_moved(self) -> None:
        """The venue's marks changed: push every mark stream now."""
        self._call(self._refresh)

    def _refresh(self) -> None:
        self._marks = self._venue.marks()
        self._version += 1
        for session in self._sessions:
            session.wake.set()

    def listening(self, api_key: str) -> bool:
        """Whether a user data stream of this account is connected."""
        with self._changed:
            return any(s.api_key == api_key for s in list(self._sessions))

    def account_changed(self, api_key: str, event: dict[str, Any]) -> None:
        """Push a user data event (ACCOUNT_UPDATE) to the account's user data streams."""
        self._call(self._deliver, api_key, event)

    def _deliver(self, api_key: str, event: dict[str, Any]) -> None:
        for session in self._sessions:
            key = session.listen_key
            if session.api_key != api_key or key is None or session.expired:
                continue
            sent = event
            if self._venue.listen_keys.account(key) != api_key:
                # The key ran out: Binance says so once, then sends no more user data.
                session.expired = True
                sent = listen_key_expired(key, self._venue.now_ms())
            session.outbox.append(session.frame(key, sent))
            session.wake.set()

    # -- the quiet fault ------------------------------------------------------------------

    def go_quiet(self, api_key: str | None = None) -> None:
        """Stop sending anything (events, pushes, request replies) while keeping connections
        open and answering pings: every connection, or `api_key`'s user data streams only.
        What would have been sent is dropped, as by a venue that stalled."""
        with self._changed:
            self._quiet.add(api_key)

    def resume(self, api_key: str | None = None) -> None:
        """End a quiet fault (`api_key` None: every one); mark streams push at once."""
        with self._changed:
            if api_key is None:
                self._quiet.clear()
            else:
                self._quiet.discard(api_key)
        self.marks_moved()

    def _is_quiet(self, session: Session) -> bool:
        with self._changed:
            return None in self._quiet or (
                session.api_key is not None and session.api_key in self._quiet
            )

    # -- connections ----------------------------------------------------------------------

    def connections(self, api_key: str | None = None) -> int:
        """Open connections (those of `api_key`'s user data stream, if given)."""
        with self._changed:
            return sum(1 for s in list(self._sessions) if api_key in (None, s.api_key))

    def wait_for_connections(
        self, count: int, api_key: str | None = None, timeout: float = 5.0
    ) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.connections(api_key) >= count, timeout)

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        target = _names(request.path, request.query)
        if target is None:
            raise web.HTTPNotFound(text=f"no stream endpoint at {request.path} on this venue")
        ws = web.WebSocketResponse(heartbeat=PING_INTERVAL_S, timeout=CLOSE_TIMEOUT_S)
        if not await accept(ws, request):
            return web.Response()  # the client is gone (see accept)
        session = self._session(*target)
        with self._changed:
            self._sessions[session] = ws
            self._changed.notify_all()
        pump = asyncio.create_task(self._pump(session, ws))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    session.outbox.append(json.dumps(session.answer(message.data)))
                    session.wake.set()
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            with self._changed:
                del self._sessions[session]
                self._changed.notify_all()
        return ws

    def _session(self, combined: bool, names: list[str]) -> Session:
        session = Session(combined)
        for name in names:
            account = self._venue.listen_keys.account(name)
            if account is not None:
                session.api_key, session.listen_key = account, name
                continue
            # Binance ignores a raw path that names no stream (ccxt.pro connects to /ws/0).
            with contextlib.suppress(InvalidStream):
                session.subscribe([name])
        return session

    async def _pump(self, session: Session, ws: web.WebSocketResponse) -> None:
        """The connection's only writer: replies and events in order, then due mark pushes."""
        loop = asyncio.get_running_loop()
        while not ws.closed:
            with contextlib.suppress(TimeoutError):
                # Not wait_for: on Python 3.11 it swallows the handler's cancel that comes
                # with a wake, and the handler's stop waited on this pump.
                async with asyncio.timeout(session.seconds_to_due(loop.time())):
                    await session.wake.wait()
            session.wake.clear()
            frames, session.outbox = session.outbox, []
            frames += self._mark_frames(session, loop.time())
            if self._is_quiet(session):
                continue
            try:
                for frame in frames:
                    await ws.send_str(frame)
            except ConnectionError:
                return  # the client went away; the handler tidies up

    def _mark_frames(self, session: Session, now: float) -> list[str]:
        marks, version, now_ms = self._marks, self._version, self._venue.now_ms()
        by_id = {m.id: m for m in self._venue.markets}
        frames = []
        for sub in session.due(now, version):
            sub.sent_at, sub.version = now, version
            stream = sub.stream
            if stream.market_id is None:
                markets = list(self._venue.markets)
            elif stream.market_id in by_id:
                markets = [by_id[stream.market_id]]
            else:
                continue  # a symbol the venue does not list: subscribed, silent
            events = [mark_price_update(m, marks[m.id], now_ms) for m in markets]
            payload = events if stream.every_market else events[0]
            frames.append(session.frame(stream.name, payload))
        return frames
