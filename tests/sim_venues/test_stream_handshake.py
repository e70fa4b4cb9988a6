"""A client that goes away in the middle of the websocket handshake (the window closed while
its stream was connecting) is no error of the simulated venue: it logs nothing at error level,
no traceback reaches stderr, and the venue serves the next client as before. CI on 5e55b82
failed so: the bundle's smoke test found aiohttp's "Error handling request" traceback from the
Binance stream's handshake in the window's stderr.

The client here is a raw socket that sends a valid upgrade request and resets the connection
while the server's loop is held, so the server reads the request and the reset before its
handshake reply, which then meets a closed transport (100 of 100 measured on two streams; a
reset without the hold raced the reply and lost 1 time in 3 on Bybit's)."""

from __future__ import annotations

import base64
import logging
import os
import socket
import struct
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from monitor.sources.sim.bybit import BybitVenue
from monitor.sources.sim.okx import OkxVenue
from monitor.sources.sim.venue import SimVenue
from monitor.sources.sim.ws_host import LoopbackWsHost

WENT_AWAY = "a client went away during the websocket handshake"


class Records(logging.Handler):
    """Every record of the loggers it is given, from any thread; waits for one."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._new = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self._new:
            self.records.append(record)
            self._new.notify_all()

    def wait_for(self, message: str, count: int, timeout: float = 5.0) -> bool:
        with self._new:
            return self._new.wait_for(
                lambda: sum(r.getMessage() == message for r in self.records) >= count, timeout
            )


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    loggers = [logging.getLogger(n) for n in ("aiohttp", "monitor.sources.sim")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield handler
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def reset_during_handshake(host: LoopbackWsHost, path: str) -> None:
    """Send a valid upgrade request for `path`, then reset the connection (SO_LINGER 0), all
    while `host`'s loop is held (on loopback both are in its socket when the send returns)."""
    address = urlsplit(host.url)
    released = threading.Event()
    host._call(released.wait)  # the loop runs nothing else until released
    try:
        reset_connection(address.hostname or "", address.port or 0, address.netloc, path)
    finally:
        released.set()


def reset_connection(hostname: str, port: int, netloc: str, path: str) -> None:
    with socket.create_connection((hostname, port)) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(request.encode())


def binance() -> SimVenue:
    return SimVenue(seed=5, demo_book=None)


def bybit() -> BybitVenue:
    return BybitVenue(marks={"BTCUSDT": 63_000.0})


def okx() -> OkxVenue:
    return OkxVenue({"BTC-USDT-SWAP": 63_000.0})


VENUES = {
    "binance": (binance, ["/ws/btcusdt@markPrice", "/stream?streams=btcusdt@markPrice", "/ws"]),
    "bybit": (bybit, ["/v5/public/linear", "/v5/private"]),
    "okx": (okx, ["/ws/v5/public", "/ws/v5/private"]),
}


@pytest.mark.parametrize("name", list(VENUES))
def test_a_client_gone_during_the_handshake_is_no_error(name: str, records: Records) -> None:
    make, paths = VENUES[name]
    venue = make()
    venue.start()
    try:
        venue.start_stream()
        for path in paths:
            reset_during_handshake(venue.stream, path)
        assert records.wait_for(WENT_AWAY, len(paths)), [r.getMessage() for r in records.records]
        errors = [r for r in records.records if r.levelno >= logging.WARNING]
        assert errors == [], [(r.getMessage(), r.exc_info) for r in errors]
    finally:
        venue.stop()
