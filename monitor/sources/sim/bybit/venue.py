"""The simulated Bybit v5 venue (Unified Trading Account): accounts per API key, marks, server.

venue = BybitVenue()
creds = venue.add_account(BybitBook(coins={"USDT": 10_000.0}, positions=(...)))
url = venue.start()                       # http://127.0.0.1:<port>
ws = venue.start_stream()                 # ws://127.0.0.1:<port>: public tickers, private stream
venue.set_marks({"BTCUSDT": 60_000.0})    # Bybit ids or ccxt symbols; snapped to the tick
venue.set_book(creds.api_key, new_book)   # an account event: wallet and position pushes
venue.reported(creds.api_key)             # ReportedAccount from reference.py at these marks
venue.stream.go_quiet(); venue.stream.resume()
venue.stop()                              # REST and stream
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

from monitor.sources.sim.bybit.book import BybitBook
from monitor.sources.sim.bybit.collateral import COLLATERAL_TIERS
from monitor.sources.sim.bybit.markets import MARKETS, SPOT_PAIRS, BybitMarket, on_tick
from monitor.sources.sim.bybit.private_payloads import account_change
from monitor.sources.sim.bybit.reference import (
    AccountState,
    coin_prices,
    evaluate,
    liquidation_prices,
)
from monitor.sources.sim.bybit.server import HOST, BybitHTTPServer, Served
from monitor.sources.sim.bybit.stream import BybitStreamServer
from monitor.sources.sim.reported import ReportedAccount, ReportedPool, ReportedPosition

UNIFIED_POOL = "USD"
SERVED_KEPT = 10_000  # the request log keeps the latest answers only


@dataclass(frozen=True)
class BybitCredentials:
    api_key: str
    secret: str


@dataclass(frozen=True)
class AccountView:
    """One account evaluated at one set of marks (what a request is answered from)."""

    book: BybitBook
    marks: dict[str, float]
    state: AccountState
    liquidation: dict[tuple[str, int], float | None]
    now_ms: int


class BybitVenue:
    def __init__(
        self,
        *,
        markets: Sequence[BybitMarket] = MARKETS,
        marks: Mapping[str, float] | None = None,
        seed: int = 0,
    ) -> None:
        self.markets = tuple(markets)
        self.market_by_id = {m.id: m for m in self.markets}
        self._by_name = {**self.market_by_id, **{m.symbol: m for m in self.markets}}
        self._lock = threading.RLock()
        self._marks = {m.id: on_tick(m.start_mark, m.tick) for m in self.markets}
        self._books: dict[str, BybitBook] = {}
        self._secrets: dict[str, str] = {}
        self._random = random.Random(seed)
        self._served: deque[Served] = deque(maxlen=SERVED_KEPT)
        self._events = 0  # account events so far (the position rows' seq)
        self._server: BybitHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stream = BybitStreamServer(self)  # serves once start_stream() is called
        if marks:
            self.set_marks(marks)

    # -- accounts and prices ----------------------------------------------------------------

    def add_account(
        self, book: BybitBook, api_key: str | None = None, secret: str | None = None
    ) -> BybitCredentials:
        """Open an account holding `book`; returns its key pair (random unless given)."""
        self._check(book)
        with self._lock:
            key = api_key or f"sim-bybit-{self._random.getrandbits(64):016x}"
            if key in self._books:
                raise ValueError(f"{key}: already an account")
            self._books[key] = book
            self._secrets[key] = secret or f"{self._random.getrandbits(128):032x}"
            return BybitCredentials(key, self._secrets[key])

    def _check(self, book: BybitBook) -> None:
        for p in book.positions:
            if p.symbol not in self.market_by_id:
                raise ValueError(f"{p.symbol}: not a market of this venue")
        coin_prices(book.coins, self.marks)  # every coin must be priceable …
        for coin in book.coins:  # … and have a collateral tier table
            if coin not in COLLATERAL_TIERS:
                raise ValueError(f"{coin}: no tiered collateral ratio for it")

    def set_book(self, api_key: str, book: BybitBook) -> None:
        """Replace an account's book: one account event, pushed to its private connections
        (the wallet, and the position rows of the legs opened, changed or closed)."""
        self._check(book)
        with self._lock:
            if api_key not in self._books:
                raise KeyError(api_key)
            old = self._books[api_key]
            self._books[api_key] = book
            marks = dict(self._marks)
            self._events += 1
            seq = self._events
        if old != book and self.stream.listening(api_key):
            change = account_change(self._at(old, marks), self._at(book, marks), seq)
            if change is not None:
                self.stream.account_changed(api_key, change)

    def book(self, api_key: str) -> BybitBook:
        with self._lock:
            return self._books[api_key]

    @property
    def credentials(self) -> tuple[BybitCredentials, ...]:
        with self._lock:
            return tuple(BybitCredentials(k, s) for k, s in self._secrets.items())

    def set_marks(self, marks: Mapping[str, float]) -> None:
        """New marks (by Bybit id or ccxt symbol), snapped to each market's tick."""
        snapped = {}
        for name, price in marks.items():
            market = self._by_name.get(name)
            if market is None:
                raise KeyError(f"{name}: not a market of this venue")
            if not price > 0:
                raise ValueError(f"{name}: a mark must be positive")
            snapped[market.id] = on_tick(price, market.tick)
        with self._lock:
            self._marks.update(snapped)
        self.stream.marks_moved()

    @property
    def marks(self) -> dict[str, float]:
        with self._lock:
            return dict(self._marks)

    def spot_prices(self, marks: Mapping[str, float]) -> dict[str, float]:
        """Spot pairs priced from the perpetual marks (USDC = USDT here)."""
        usd = {"USDT": 1.0, "USDC": 1.0}
        usd.update({m.base: marks[m.id] for m in self.markets if m.settle == "USDT"})
        return {symbol: usd[base] / usd[quote] for symbol, base, quote, *_ in SPOT_PAIRS}

    # -- figures ------------------------------------------------------------------------------

    def view(self, api_key: str | None) -> AccountView:
        with self._lock:
            if api_key not in self._books:
                raise KeyError(api_key)
            book, marks = self._books[api_key], dict(self._marks)
        return self._at(book, marks)

    def _at(self, book: BybitBook, marks: dict[str, float]) -> AccountView:
        state = evaluate(book, self.market_by_id, marks)
        liquidation = liquidation_prices(book, self.market_by_id, marks)
        return AccountView(book, marks, state, liquidation, self.now_ms())

    def reported(self, api_key: str) -> ReportedAccount:
        view = self.view(api_key)
        positions, pools = [], []
        for s in view.state.positions:
            symbol, side = s.market.symbol, s.position.ccxt_side
            liq = view.liquidation[(s.market.id, s.position.position_idx)]
            pool = f"isolated {symbol} {side}" if view.book.isolated else UNIFIED_POOL
            positions.append(ReportedPosition(symbol, side, pool, liq, s.mm))
            if s.balance is not None:
                pools.append(ReportedPool(pool, s.balance + s.upl, s.mm))
        if not view.book.isolated:  # docs: account-wide fields do not apply to isolated margin
            pools.append(
                ReportedPool(UNIFIED_POOL, view.state.margin_balance, view.state.maintenance)
            )
        return ReportedAccount(tuple(positions), tuple(pools))

    # -- server -------------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        with self._lock:
            if self._server is not None:
                raise RuntimeError("the venue is already serving")
            self._server = BybitHTTPServer(port, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="sim-bybit", daemon=True
            )
            self._thread.start()
        return self.url

    def start_stream(self, port: int = 0) -> str:
        """Serve the public linear stream and the private stream on 127.0.0.1 (`port` 0: any);
        returns the ws:// base URL."""
        return self.stream.start(port)

    @property
    def ws_url(self) -> str:
        return self.stream.url

    def stop(self) -> None:
        """Stop serving (REST and stream); safe to call twice."""
        self.stream.stop()
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the venue is not serving")
        return f"http://{HOST}:{self._server.server_address[1]}"

    def __enter__(self) -> BybitVenue:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- used by the server -------------------------------------------------------------------

    def secrets(self) -> dict[str, str]:
        with self._lock:
            return dict(self._secrets)

    def now_ms(self) -> int:
        return int(time.time() * 1000)

    def user_id(self, api_key: str | None) -> int:
        with self._lock:
            return 100_000 + list(self._secrets).index(api_key) if api_key in self._secrets else 0

    def record(self, served: Served) -> None:
        with self._lock:
            self._served.append(served)

    @property
    def served(self) -> tuple[Served, ...]:
        with self._lock:
            return tuple(self._served)
