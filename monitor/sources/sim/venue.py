"""The simulated Binance USDⓈ-M venue: books per API key, moving marks, faults, an HTTP server.

venue = SimVenue(seed=7)                  # holds the demo book under DEMO_CREDENTIALS
url = venue.start()                       # http://127.0.0.1:<port>
venue.step(60)                            # one simulated minute of random walk
venue.play_crash(DEMO_CRASH); venue.step(120)
venue.reported(DEMO_CREDENTIALS.api_key)  # the venue's own figures, from its reference
ws = venue.start_stream()                 # ws://127.0.0.1:<port>: mark and user data streams
venue.stream.go_quiet(); venue.stream.resume()
venue.stop()                              # REST and streams

Every figure the venue serves or reports comes from its own statement of Binance's rules
(reference.py, liquidation.py, collateral.py), never from the app's engine.
"""

from __future__ import annotations

import secrets as token
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitor.sources.sim import collateral
from monitor.sources.sim.auth import INVALID_KEY
from monitor.sources.sim.book import DEMO_BOOK, SimBook
from monitor.sources.sim.collateral import AssetIndex
from monitor.sources.sim.faults import FaultKind, Faults
from monitor.sources.sim.figures import AccountFigures, figures, portfolio_of
from monitor.sources.sim.history import MarketHistory
from monitor.sources.sim.listen_keys import ListenKeys
from monitor.sources.sim.markets import MARKETS, SimMarket, market_by_name
from monitor.sources.sim.prices import DEMO_CRASH, PriceProcess
from monitor.sources.sim.reference import pool_figures
from monitor.sources.sim.reported import ReportedAccount
from monitor.sources.sim.reporting import factor_for_health, reported_account
from monitor.sources.sim.request_log import RequestLog
from monitor.sources.sim.server import HOST, VenueHTTPServer
from monitor.sources.sim.stream_payloads import account_update
from monitor.sources.sim.ws_server import StreamServer


@dataclass(frozen=True)
class Credentials:
    api_key: str
    secret: str
    book: str  # the book's name


# Fixed so the demo can be typed in by hand; never valid anywhere but this venue.
DEMO_CREDENTIALS = Credentials("sim-demo-key", "sim-demo-secret", "demo")


class SimVenue:
    def __init__(
        self,
        seed: int = 0,
        *,
        markets: Sequence[SimMarket] = MARKETS,
        demo_book: SimBook | None = DEMO_BOOK,
        volatility_scale: float = 1.0,
    ) -> None:
        self.markets = tuple(markets)
        self._by_id = {m.id: m for m in self.markets}
        self._lock = threading.RLock()
        self._prices = PriceProcess(
            [m.start_price for m in self.markets],
            [m.daily_volatility for m in self.markets],
            [m.beta for m in self.markets],
            seed,
            volatility_scale,
        )
        self._books: dict[str, SimBook] = {}
        self._secrets: dict[str, str] = {}
        self.faults = Faults()
        self.requests = RequestLog()
        self.stopping = threading.Event()
        self._server: VenueHTTPServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self._ticker_stop = threading.Event()
        self.listen_keys = ListenKeys()
        self.history = MarketHistory(self.markets, seed, self.now_ms())  # candles, funding
        # When each (api key, pool) first met the venue's liquidation condition (margin balance
        # at or below maintenance, by the reference), in time.monotonic() seconds. The venue
        # records it and keeps serving the book: how late a client learned of it is measured
        # against this moment.
        self.liquidations: dict[tuple[str, str], float] = {}
        self.stream = StreamServer(self)  # serves once start_stream() is called
        if demo_book is not None:
            self.add_book(demo_book, DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret)

    # -- accounts -------------------------------------------------------------------------

    def add_book(
        self, book: SimBook = DEMO_BOOK, api_key: str | None = None, secret: str | None = None
    ) -> Credentials:
        """Open an account holding `book`; returns its key pair (random unless given)."""
        self._check(book)
        with self._lock:
            key = api_key or f"sim-{book.name}-{token.token_hex(8)}"
            if key in self._books:
                raise ValueError(f"API key {key!r} is already in use")
            self._books[key] = book
            self._secrets[key] = secret or token.token_hex(24)
            return Credentials(key, self._secrets[key], book.name)

    def _check(self, book: SimBook) -> None:
        for p in book.positions:
            if p.market not in self._by_id:
                market_by_name(self.markets, p.market)  # raises with the list of markets
        if book.multi_assets:
            priced = set(self.asset_indexes())
            needed = set(book.all_wallets) | {self._by_id[p.market].quote for p in book.positions}
            if needed - priced:
                missing = ", ".join(sorted(needed - priced))
                raise ValueError(f"book {book.name!r}: no asset index for {missing} here")

    def set_book(self, api_key: str, book: SimBook) -> None:
        """Replace an account's book; its user data streams get Binance's ACCOUNT_UPDATE."""
        self._check(book)
        with self._lock:
            old = self.book(api_key)
            self._books[api_key] = book
            marks = self.marks()
        if self.stream.listening(api_key):
            rates = collateral.rates(marks)
            before = figures(old, self._by_id, marks, rates)
            event = account_update(before, figures(book, self._by_id, marks, rates), self.now_ms())
            if event is not None:
                self.stream.account_changed(api_key, event)

    def book(self, api_key: str) -> SimBook:
        with self._lock:
            if api_key not in self._books:
                raise KeyError(f"no account for API key {api_key!r}")
            return self._books[api_key]

    def secrets(self) -> dict[str, str]:
        with self._lock:
            return dict(self._secrets)

    def account_book(self, api_key: str | None) -> SimBook:
        """The book behind a request's key; Binance's -2015 for an unknown key."""
        with self._lock:
            book = self._books.get(api_key or "")
            if book is None:
                raise INVALID_KEY
            return book

    def account_figures(self, api_key: str | None) -> AccountFigures:
        """Every figure the venue serves for this key's account, at the current marks."""
        offset = self.faults.value(FaultKind.LIQUIDATION_OFFSET, api_key)
        with self._lock:
            book, marks = self.account_book(api_key), self.marks()
        return figures(book, self._by_id, marks, collateral.rates(marks), offset)

    def reported(self, api_key: str) -> ReportedAccount:
        """The venue's own figures for this key at the current marks (liquidation prices
        before any liquidation_offset fault, which skews only what is served)."""
        with self._lock:
            book, marks = self.book(api_key), self.marks()
        return reported_account(figures(book, self._by_id, marks, collateral.rates(marks)))

    # -- prices ---------------------------------------------------------------------------

    @property
    def clock(self) -> float:
        """Simulated seconds since the venue was made."""
        return self._prices.clock

    def marks(self) -> dict[str, float]:
        with self._lock:
            return {m.id: float(p) for m, p in zip(self.markets, self._prices.marks, strict=True)}

    def asset_indexes(self) -> dict[str, AssetIndex]:
        """GET /fapi/v1/assetIndex's rows at the current marks, by asset."""
        return collateral.asset_indexes(self.marks())

    def step(self, dt: float = 1.0) -> None:
        """Advance the clock by `dt` seconds: one random-walk step, or along a playing crash."""
        with self._lock:
            self._prices.step(dt)
            self._note_liquidations()
        self.stream.marks_moved()

    def _note_liquidations(self) -> None:
        now = time.monotonic()
        marks = self.marks()
        rates = collateral.rates(marks)
        for key, book in self._books.items():
            if not book.positions:
                continue
            portfolio = portfolio_of(book, self._by_id, marks, rates)
            for pool in portfolio.pools():
                new = (key, pool) not in self.liquidations
                if new and pool_figures(portfolio, pool).room <= 0:
                    self.liquidations[(key, pool)] = now

    def liquidated_at(self, api_key: str, pool: str = "USDT") -> float | None:
        """When this account's pool first met the venue's liquidation condition as the clock
        stepped (time.monotonic()), or None."""
        with self._lock:
            return self.liquidations.get((api_key, pool))

    def play_crash(self, path: Sequence[tuple[float, float]] = DEMO_CRASH) -> float:
        """Drive every mark along `path` [(seconds, move from the marks now), ...] as the
        clock advances (linear in between, no noise); returns the script's length in seconds."""
        with self._lock:
            return float(self._prices.play_crash(path).times[-1])

    @property
    def crash_playing(self) -> bool:
        with self._lock:
            return self._prices.crash is not None

    def set_marks(self, marks: Mapping[str, float]) -> None:
        """Set some marks exactly (by id "BTCUSDT", symbol or base); cancels a playing crash."""
        with self._lock:
            new = self._prices.marks.copy()
            for name, price in marks.items():
                new[self.markets.index(market_by_name(self.markets, name))] = price
            self._prices.set_marks(new)
            self._note_liquidations()
        self.stream.marks_moved()

    def shift_all(self, factor: float) -> None:
        """Multiply every mark by `factor` (0.9: everything 10 % down); cancels a crash."""
        if not factor > 0:
            raise ValueError(f"factor must be > 0, got {factor!r}")
        with self._lock:
            self._prices.set_marks(self._prices.marks * factor)
            self._note_liquidations()
        self.stream.marks_moved()

    def factor_for_health(self, api_key: str, health: float, pool: str | None = None) -> float:
        """The `shift_all` factor (< 1) that brings this key's cross pool (`pool`, if it has
        several: "USDT", "USDC") to `health`, by the venue's own rules."""
        with self._lock:
            book, marks = self.book(api_key), self.marks()
        portfolio = portfolio_of(book, self._by_id, marks, collateral.rates(marks))
        return factor_for_health(portfolio, health, pool)

    def start_ticker(self, interval: float = 1.0, dt: float | None = None) -> None:
        """Step the clock by `dt` (default `interval`) every `interval` real seconds."""
        if not interval > 0:
            raise ValueError("ticker interval must be > 0 seconds")
        self.stop_ticker()
        self._ticker_stop.clear()
        step = interval if dt is None else dt

        def run() -> None:
            while not self._ticker_stop.wait(interval):
                self.step(step)

        self._ticker = threading.Thread(target=run, name="sim-venue-ticker", daemon=True)
        self._ticker.start()

    def stop_ticker(self) -> None:
        self._ticker_stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None

    # -- server ---------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (`port` 0: any free port); returns the base URL."""
        if self._server is not None:
            raise RuntimeError(f"the venue is already serving at {self.url}")
        self.stopping.clear()
        self._server = VenueHTTPServer(port, self)
        self._serve_thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sim-venue-http",
            daemon=True,
        )
        self._serve_thread.start()
        return self.url

    def start_stream(self, port: int = 0) -> str:
        """Serve the websocket streams on 127.0.0.1 (`port` 0: any); returns the ws:// URL."""
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
        """Stop serving (REST and streams); hung and delayed requests are dropped at once.
        Safe to call twice."""
        self.stopping.set()
        self.faults.release_all()
        self.stop_ticker()
        self.stream.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._serve_thread is not None:
            self._serve_thread.join()
            self._serve_thread = None

    def __enter__(self) -> SimVenue:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)


__all__ = ["DEMO_CREDENTIALS", "Credentials", "SimVenue"]
