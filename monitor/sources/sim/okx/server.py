"""The HTTP side of the simulated OKX venue: a threaded server on 127.0.0.1.

One daemon thread per request and a deep accept backlog (ccxt's load_markets sends its five
instrument requests and the currency request at once). Success answers are OKX's envelope
{"code": "0", "data": [...], "msg": ""}; errors {"code": ..., "data": [], "msg": ...} with the
HTTP status of OKX's error table, authentication errors {"msg": ..., "code": ...} as OKX sends
them ("Request header ... can't be empty" answers carry no data, per ccxt's recorded comment).
"""

from __future__ import annotations

import contextlib
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from monitor.sources.sim.okx.auth import OkxError, check_signed
from monitor.sources.sim.okx.routes import NOT_FOUND, ROUTES

if TYPE_CHECKING:
    from monitor.sources.sim.okx.venue import OkxVenue

HOST = "127.0.0.1"
SYSTEM_ERROR = OkxError(500, "50026", "System error. Try again later.")


class OkxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, port: int, venue: OkxVenue) -> None:
        self.venue = venue
        super().__init__((HOST, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: OkxHTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers after stop
    server_version = "sim-okx"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the venue's request log instead."""

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        url = urlsplit(self.path)
        self.server.venue.log_request(method, url.path)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            try:
                data = self._route(method, url.path, url.query, body)
            except OkxError as err:
                self._send_error(err)
                return
            except Exception:
                self._send_error(SYSTEM_ERROR)
                raise  # socketserver prints the traceback: a bug of the venue, not an answer
            self._send(200, {"code": "0", "data": data, "msg": ""})

    def _route(self, method: str, path: str, query: str, body: str) -> list[Any]:
        venue = self.server.venue
        route = ROUTES.get(path)
        if route is None:
            raise NOT_FOUND
        if method != "GET":
            raise OkxError(405, "50115", "Invalid request method.")
        key = None
        if route.private:
            # requestPath as sent, query string included: what the client signed.
            headers = {k.upper(): v for k, v in self.headers.items()}
            key = check_signed(headers, method, self.path, body, venue.secrets(), venue.now_ms())
        return route.handler(venue, key, dict(parse_qsl(query)))

    def _send_error(self, err: OkxError) -> None:
        if err.code.startswith("501"):  # the authentication class answers without data
            self._send(err.status, {"msg": err.msg, "code": err.code})
        else:
            self._send(err.status, {"code": err.code, "data": [], "msg": err.msg})

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)
