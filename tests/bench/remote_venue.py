"""The simulated Binance venue in a process of its own, for benchmarks of the service.

A real venue answers from another machine: its work must not share the service's interpreter
(and its GIL), or the benchmark measures the simulation as much as the service. This one
serves `books` on loopback from a child process; `latency` is set on request, as on a real
venue's round trip. With `tick`, its prices walk a step every `tick` seconds, as a live
market's do (the history stored only when figures change then grows as it would).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from dataclasses import replace
from multiprocessing.connection import Connection

from monitor.sources.sim.book import SimBook, SimPosition
from monitor.sources.sim.markets import MARKETS, SimMarket


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


def _serve(
    conn: Connection,
    books: Sequence[SimBook],
    markets: Sequence[SimMarket],
    tick: float | None = None,
) -> None:
    from monitor.sources.sim.venue import SimVenue

    venue = SimVenue(seed=5, markets=markets, demo_book=None)
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
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, books, markets, tick), daemon=True
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
