"""The HTTP side of the venue: a threaded server on 127.0.0.1 that applies faults and routes.

One daemon thread per request, a deep accept backlog (ccxt's concurrent start-up requests
overflow the default of 5), and nothing that can outlive `stop()`: waits for latency and
hangs all end when the venue stops.
"""

from __future__ import annotations

import contextlib
import json
import math
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from monitor.sources.sim.auth import INVALID_KEY, ApiError, check_signed
from monitor.sources.sim.faults import FaultKind
from monitor.sources.sim.routes import ROUTES, not_served

if TYPE_CHECKING:
    from monitor.sources.sim.venue import SimVenue

HOST = "127.0.0.1"
NOT_AUTHORIZED = ApiError(401, -1002, "You are not authorized to execute this request.")
MAINTENANCE = ApiError(503, 1, "System is under maintenance.")
RATE_LIMIT_MSG = (
    "Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute. "
    "Please use the websocket for live updates to avoid polling the API."
)


class VenueHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, port: int, venue: SimVenue) -> None:
        self.venue = venue
        super().__init__((HOST, port), _Handler)


def keep_connections_alive() -> None:
    """Answer HTTP/1.1 with keep-alive from now on, as a real venue does (ccxt's aiohttp keeps
    its connections): for a venue in a process of its own (tests/bench/remote_venue.py), whose
    connections may outlive stop() since the process ends with it. Every other venue answers
    one request per connection, so nothing lingers after a test stops it."""
    _Handler.protocol_version = "HTTP/1.1"


class _Handler(BaseHTTPRequestHandler):
    server: VenueHTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers after stop
    server_version = "sim-binanceusdm"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:  # ccxt keeps a user-data listenKey alive with PUT
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and the CLI read the request log instead of stderr noise."""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        api_key = self.headers.get("X-MBX-APIKEY")
        self._record = self.server.venue.requests.arrived(url.path, api_key)
        # The client may have given up (its timeout fired during a fault): nobody to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(url.path, url.query, api_key)

    def _answer(self, path: str, raw_query: str, api_key: str | None) -> int:
        """Send the response; return its status (0: none, the venue is stopping)."""
        venue = self.server.venue
        faults = venue.faults
        latency = faults.take(FaultKind.LATENCY, api_key, path)
        if latency is not None and venue.stopping.wait(latency.value):
            return 0
        hang = faults.take(FaultKind.HANG, api_key, path)
        if hang is not None:
            hang.released.wait()
            if venue.stopping.is_set():
                return 0
        if faults.take(FaultKind.AUTH, api_key, path) is not None:
            return self._send_error(INVALID_KEY)
        if faults.take(FaultKind.MAINTENANCE, api_key, path) is not None:
            return self._send_error(MAINTENANCE)
        limited = faults.take(FaultKind.RATE_LIMIT, api_key, path)
        if limited is not None:
            retry_after = str(max(1, math.ceil(limited.value)))
            too_many = ApiError(429, -1003, RATE_LIMIT_MSG)
            return self._send_error(too_many, {"Retry-After": retry_after})
        failed = faults.take(FaultKind.SERVER_ERROR, api_key, path)
        if failed is not None:
            status = int(failed.value)
            page = f"<html><body><h1>{status} Service Unavailable</h1></body></html>"
            return self._send(status, page.encode(), "text/html")
        try:
            body = self._route(path, raw_query, api_key)
        except ApiError as err:
            return self._send_error(err)
        text = json.dumps(body, separators=(",", ":"))
        if faults.take(FaultKind.MALFORMED, api_key, path) is not None:
            text = text[: len(text) // 2]  # cut mid-document, as a dropped proxy stream would
        return self._send(200, text.encode(), "application/json")

    def _route(self, path: str, raw_query: str, api_key: str | None) -> Any:
        venue = self.server.venue
        route = ROUTES.get(path)
        if route is None:
            raise not_served(path)
        if route.private:
            skew = venue.faults.value(FaultKind.CLOCK_SKEW, api_key)
            check_signed(raw_query, api_key, venue.secrets(), venue.now_ms() + round(skew * 1000))
            if venue.faults.take(FaultKind.PERMISSION, api_key, path) is not None:
                raise NOT_AUTHORIZED  # the key is the venue's, its permissions are not enough
        params = dict(parse_qsl(raw_query))
        return route.handler(venue, api_key, params)

    def _send_error(self, err: ApiError, headers: dict[str, str] | None = None) -> int:
        body = json.dumps({"code": err.code, "msg": err.msg}).encode()
        return self._send(err.status, body, "application/json", headers)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> int:
        # Logged before sending: a client that has its answer must find it in the log.
        self._record.status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        return status
