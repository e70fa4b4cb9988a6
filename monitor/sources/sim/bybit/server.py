"""The HTTP side: a threaded stdlib server on 127.0.0.1 answering in Bybit's v5 envelope.

Every answer is {"retCode", "retMsg", "result", "retExtInfo": {}, "time"} (docs/v5/guide,
"Common response parameters"); errors keep the envelope with result {} (see auth.py).
One request per connection (HTTP/1.0) and daemon threads, so nothing outlives stop().
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from monitor.sources.sim.bybit.auth import BybitError, check_signed
from monitor.sources.sim.bybit.routes import NOT_FOUND, ROUTES

if TYPE_CHECKING:
    from monitor.sources.sim.bybit.venue import BybitVenue

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Served:
    """One answered request, for tests: path, query parameters, API key header, retCode."""

    path: str
    params: dict[str, str]
    api_key: str | None
    ret_code: int


class BybitHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # ccxt's load_markets opens ~10 connections at once
    allow_reuse_address = True

    def __init__(self, port: int, venue: BybitVenue) -> None:
        self.venue = venue
        super().__init__((HOST, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: BybitHTTPServer
    protocol_version = "HTTP/1.0"
    server_version = "sim-bybit"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        api_key = self.headers.get("X-BAPI-API-KEY")
        venue = self.server.venue
        status, ret_code, ret_msg, result = 200, 0, "OK", {}
        try:
            route = ROUTES.get(url.path)
            if route is None:
                raise NOT_FOUND
            if route.private:
                headers = {k: v for k, v in self.headers.items()}
                check_signed(_canonical(headers), url.query, venue.secrets(), venue.now_ms())
            result = route.handler(venue, api_key, params)
        except BybitError as err:
            status, ret_code, ret_msg = err.status, err.ret_code, err.ret_msg
        venue.record(Served(url.path, params, api_key, ret_code))
        body = {
            "retCode": ret_code,
            "retMsg": ret_msg,
            "result": result,
            "retExtInfo": {},
            "time": venue.now_ms(),
        }
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(status, body)

    def do_POST(self) -> None:
        """The simulated venue only reads: any POST is an unknown route to it."""
        body = {"retCode": NOT_FOUND.ret_code, "retMsg": NOT_FOUND.ret_msg, "result": {}}
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(NOT_FOUND.status, {**body, "retExtInfo": {}, "time": 0})

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read venue.served instead."""

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _canonical(headers: dict[str, str]) -> dict[str, str]:
    """Header names as Bybit documents them, whatever case the client sent."""
    wanted = ("X-BAPI-API-KEY", "X-BAPI-TIMESTAMP", "X-BAPI-SIGN", "X-BAPI-RECV-WINDOW")
    lower = {k.lower(): v for k, v in headers.items()}
    return {name: lower[name.lower()] for name in wanted if name.lower() in lower}
