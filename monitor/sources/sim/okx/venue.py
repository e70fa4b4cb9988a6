"""The simulated OKX v5 venue: books per API key, marks set by the caller, an HTTP server.

venue = OkxVenue({"BTC-USDT-SWAP": 60_000.0})
creds = venue.add_book(OkxBook("a", {"USDT": 1_000.0}, (OkxPosition("BTC-USDT-SWAP", 1, ...),)))
url = venue.start()                      # http://127.0.0.1:<port>
ws = venue.start_stream()                # ws://127.0.0.1:<port>: public marks, private account
venue.set_marks({"BTC-USDT-SWAP": 58_000.0})
venue.set_book(creds.api_key, new_book)  # an account event: account and positions pushes
venue.reported(creds.api_key)            # ReportedAccount from the venue's own reference
venue.stream.go_quiet(); venue.stream.resume()
venue.stop()                             # REST and stream
"""

from __future__ import annotations

import math
import secrets as token
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitor.sources.sim.okx.auth import Secret
from monitor.sources.sim.okx.book import OkxBook
from monitor.sources.sim.okx.instruments import INSTRUMENTS, OkxInstrument
from monitor.sources.sim.okx.private_payloads import account_change
from monitor.sources.sim.okx.report import AccountFigures, account_figures, reported_account
from monitor.sources.sim.okx.server import HOST, OkxHTTPServer
from monitor.sources.sim.okx.stream import OkxStreamServer
from monitor.sources.sim.reported import ReportedAccount


@dataclass(frozen=True)
class OkxCredentials:
    api_key: str
    secret: str
    passphrase: str  # OKX's third credential; ccxt calls it `password`
    book: str  # the book's name


class OkxVenue:
    def __init__(
        self,
        marks: Mapping[str, float] | None = None,
        *,
        instruments: Sequence[OkxInstrument] = INSTRUMENTS,
    ) -> None:
        self.instruments = tuple(instruments)
        self._by_id = {i.inst_id: i for i in self.instruments}
        self._by_symbol = {i.symbol: i.inst_id for i in self.instruments}
        self._lock = threading.RLock()
        self._marks: dict[str, float] = {}
        self._books: dict[str, OkxBook] = {}
        self._secrets: dict[str, Secret] = {}
        self._requests: list[tuple[str, str]] = []
        self._server: OkxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stream = OkxStreamServer(self)  # serves once start_stream() is called
        if marks:
            self.set_marks(marks)

    # -- accounts -------------------------------------------------------------------------

    def add_book(
        self,
        book: OkxBook,
        api_key: str | None = None,
        secret: str | None = None,
        passphrase: str | None = None,
    ) -> OkxCredentials:
        """Open an account holding `book`; returns its credentials (random unless given)."""
        with self._lock:
            self._check(book)
            key = api_key or f"sim-okx-{book.name}-{token.token_hex(8)}"
            if key in self._books:
                raise ValueError(f"API key {key!r} is already in use")
            held = Secret(secret or token.token_hex(16).upper(), passphrase or token.token_hex(6))
            self._books[key] = book
            self._secrets[key] = held
            return OkxCredentials(key, held.secret, held.passphrase, book.name)

    def set_book(self, api_key: str, book: OkxBook) -> None:
        """Replace an account's book: one account event, pushed to its logged-in private
        connections (the changed currencies of the account channel, the legs opened, changed
        or closed on the positions channel)."""
        with self._lock:
            old = self.book(api_key)
            self._check(book)
            self._books[api_key] = book
            marks = dict(self._marks)
        if old != book and self.stream.listening(api_key):
            before = account_figures(old, self._by_id, marks)
            after = account_figures(book, self._by_id, marks)
            change = account_change(before, after, self.now_ms())
            if change is not None:
                self.stream.account_changed(api_key, change)

    def book(self, api_key: str) -> OkxBook:
        with self._lock:
            if api_key not in self._books:
                raise KeyError(f"no account for API key {api_key!r}")
            return self._books[api_key]

    def credentials(self, book_name: str) -> OkxCredentials:
        """The credentials of the account holding the book named `book_name`."""
        with self._lock:
            for key, book in self._books.items():
                if book.name == book_name:
                    held = self._secrets[key]
                    return OkxCredentials(key, held.secret, held.passphrase, book.name)
        raise KeyError(f"no account holds a book named {book_name!r}")

    def secrets(self) -> dict[str, Secret]:
        with self._lock:
            return dict(self._secrets)

    def uid(self, api_key: str) -> str:
        with self._lock:
            return str(44_705_892_343_619_584 + list(self._books).index(api_key))

    def _check(self, book: OkxBook) -> None:
        for p in book.positions:
            inst = self._by_id.get(p.inst_id)
            if inst is None:
                raise KeyError(f"book {book.name!r}: no instrument {p.inst_id!r} on this venue")
            inst.tier_for(p.pos)  # raises when the position exceeds the largest tier
            if p.inst_id not in self._marks:
                raise ValueError(f"book {book.name!r}: set a mark for {p.inst_id} first")

    # -- marks ----------------------------------------------------------------------------

    def marks(self) -> dict[str, float]:
        with self._lock:
            return dict(self._marks)

    def set_marks(self, marks: Mapping[str, float]) -> None:
        """Set marks by instId ("BTC-USDT-SWAP") or ccxt symbol ("BTC/USDT:USDT")."""
        updates = {}
        for name, price in marks.items():
            inst_id = self._by_symbol.get(name, name)
            if inst_id not in self._by_id:
                raise KeyError(f"no instrument {name!r} on this venue")
            if not (math.isfinite(price) and price > 0):
                raise ValueError(f"{name}: a mark must be a positive price, got {price!r}")
            updates[inst_id] = float(price)
        with self._lock:
            self._marks.update(updates)
        self.stream.marks_moved()

    # -- figures --------------------------------------------------------------------------

    def figures(self, api_key: str) -> AccountFigures:
        """Every figure the venue reports for this key's account, at the current marks."""
        with self._lock:
            return account_figures(self.book(api_key), self._by_id, self._marks)

    def reported(self, api_key: str) -> ReportedAccount:
        return reported_account(self.figures(api_key))

    # -- server ---------------------------------------------------------------------------

    def log_request(self, method: str, path: str) -> None:
        with self._lock:
            self._requests.append((method, path))

    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of every request served so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (`port` 0: any free port); returns the base URL."""
        if self._server is not None:
            raise RuntimeError(f"the venue is already serving at {self.url}")
        self._server = OkxHTTPServer(port, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sim-okx-http",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def start_stream(self, port: int = 0) -> str:
        """Serve the public and private websockets on 127.0.0.1 (`port` 0: any); returns the
        ws:// base URL."""
        return self.stream.start(port)

    @property
    def ws_url(self) -> str:
        return self.stream.url

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the venue is not serving; call start() first")
        return f"http://{HOST}:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving (REST and stream). Safe to call twice."""
        self.stream.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> OkxVenue:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)


__all__ = ["OkxCredentials", "OkxVenue"]
