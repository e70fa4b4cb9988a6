"""The simulated Binance venue in a process of its own, for benchmarks of the service.

A real venue answers from another machine: its work must not share the service's interpreter
(and its GIL), or the benchmark measures the simulation as much as the service. This one
serves `books` on loopback from a child process; `latency` is set on request, as on a real
venue's round trip. With `tick`, its prices walk a step every `tick` seconds, as a live
market's do (the history stored only when figures change then grows as it would). With
`figures_per_tick`, an account's figures are worked out once per price step and served to
every request until the next, as a real venue computes them on its mark-price updates: the
simulator otherwise works out every position's liquidation price (a root search over the
book) for each request, /account and /positionRisk alike, and at a desk's scale that, not
the service, took the cores (measured in the desk benchmark: 30-60 ms of venue CPU per
request for a book of 25 positions). With `keep_alive`, it answers HTTP/1.1 and keeps its
connections, as a real venue does; otherwise each request opens a TCP connection of its own
(the simulator's default, so that nothing outlives a test), which costs both sides CPU.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Sequence
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from monitor.sources.sim.book import SimBook, SimPosition
from monitor.sources.sim.markets import MARKETS, SimMarket

if TYPE_CHECKING:
    from monitor.sources.sim.figures import AccountFigures
    from monitor.sources.sim.venue import SimVenue


def wide_markets(count: int) -> tuple[SimMarket, ...]:
    """The venue's USDT markets and, beyond them, copies of its smallest coin under new names
    (ALT1USDT, ...), so that a book can hold `count` markets."""
    usdt = [m for m in MARKETS if m.quote == "USDT"]
    template = usdt[-1]
    extra = [
        replace(template, id=f"ALT{i}USDT", base=f"ALT{i}")
        for i in range(1, max(0, count - len(usdt)) + 1)
    ]
    return (*MARKETS, *extra)


def hedged_book(name: str, positions: int, factor: float = 1.0) -> SimBook:
    """A hedge-mode cross book of `positions` legs (a long and a short per market), sized so
    its health stays well above liquidation."""
    markets = [m for m in wide_markets((positions + 1) // 2) if m.quote == "USDT"]
    legs = []
    for i in range(positions):
        market = markets[i // 2]
        notional = 2_000.0 * factor
        amount = round(notional / market.start_price, market.quantity_precision) or 1.0
        legs.append(
            SimPosition(market.id, amount if i % 2 == 0 else -amount, market.start_price, 10)
        )
    return SimBook(name, 200_000.0 * factor, tuple(legs), hedge=True)


def _figures_once_per_tick(venue: SimVenue) -> None:
    """Make `venue` answer each key's figures from one computation per price step (its
    clock): the requests between two steps see the same marks, hence the same figures."""
    compute = venue.account_figures
    guard = threading.Lock()
    locks: dict[str | None, threading.Lock] = {}
    known: dict[str | None, tuple[float, AccountFigures]] = {}

    def account_figures(api_key: str | None) -> AccountFigures:
        # One lock per key: a read's two requests come at once, and the second must wait
        # for the first's figures rather than work them out beside it.
        with guard:
            lock = locks.setdefault(api_key, threading.Lock())
        with lock:
            clock = venue.clock
            hit = known.get(api_key)
            if hit is not None and hit[0] == clock:
                return hit[1]
            figures = compute(api_key)
            known[api_key] = (clock, figures)
            return figures

    venue.account_figures = account_figures  # type: ignore[method-assign]


def _serve(
    conn: Connection,
    books: Sequence[SimBook],
    markets: Sequence[SimMarket],
    tick: float | None = None,
    figures_per_tick: bool = False,
    keep_alive: bool = False,
) -> None:
    from monitor.sources.sim.server import keep_connections_alive
    from monitor.sources.sim.venue import SimVenue

    if keep_alive:
        keep_connections_alive()
    venue = SimVenue(seed=5, markets=markets, demo_book=None)
    if figures_per_tick:
        _figures_once_per_tick(venue)
    url = venue.start()
    if tick is not None:
        venue.start_ticker(tick)
    keys = [venue.add_book(book) for book in books]
    conn.send((url, [(k.api_key, k.secret) for k in keys]))
    try:
        while True:
            message = conn.recv()
            if message == "stop":
                return
            venue.faults.set("latency", float(message))
            conn.send("ok")
    finally:
        venue.stop()


class RemoteVenue:
    def __init__(
        self,
        books: Sequence[SimBook],
        markets: Sequence[SimMarket] = MARKETS,
        tick: float | None = None,
        figures_per_tick: bool = False,
        keep_alive: bool = False,
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child, books, markets, tick, figures_per_tick, keep_alive),
            daemon=True,
        )
        self._process.start()
        if not self._conn.poll(120):
            raise RuntimeError("the simulated venue did not start within 120 s")
        self.url, self.keys = self._conn.recv()

    @property
    def pid(self) -> int | None:
        """The venue's process (for its CPU time)."""
        return self._process.pid

    def set_latency(self, seconds: float) -> None:
        self._conn.send(seconds)
        assert self._conn.recv() == "ok"

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(timeout=15)
        if self._process.is_alive():
            self._process.kill()
