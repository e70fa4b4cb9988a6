"""The desk benchmark's venues: the accounts' books spread over several simulated Binance
venues, each a process of its own on its own loopback port.

One venue process serving 200 accounts at a 2 s interval took 0.5-0.7 core and answered
late (RequestTimeouts for most accounts), so the benchmark measured the simulation, not the
collectors. A desk's accounts sit on several venues (and a real venue is another machine's
work); `count` processes of `len(books) / count` books each keep each one's load small.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from monitor.sources.sim.book import SimBook
from monitor.sources.sim.markets import SimMarket
from tests.bench.remote_venue import RemoteVenue


@dataclass(frozen=True)
class VenueAccount:
    """One book as an account sees it: the venue that serves it and its key there."""

    url: str
    key: str
    secret: str
    venue: int  # index into VenueFleet.venues


class VenueFleet:
    def __init__(
        self,
        books: Sequence[SimBook],
        markets: Sequence[SimMarket],
        count: int,
        tick: float | None = None,
        figures_per_tick: bool = False,
    ) -> None:
        """Books in consecutive runs of about len(books) / count, one run per venue; the
        venues start side by side (each spawns an interpreter and imports the simulator)."""
        count = max(1, min(count, len(books)))
        size = -(-len(books) // count)
        runs = [books[i : i + size] for i in range(0, len(books), size)]
        with ThreadPoolExecutor(len(runs)) as pool:
            futures = [
                pool.submit(RemoteVenue, run, markets, tick, figures_per_tick) for run in runs
            ]
        self.venues: list[RemoteVenue] = []
        failed: BaseException | None = None
        for future in futures:
            try:
                self.venues.append(future.result())
            except Exception as error:  # the venues that started are stopped, then it is raised
                failed = failed or error
        if failed is not None:
            self.stop()
            raise failed
        self.accounts = [
            VenueAccount(venue.url, key, secret, index)
            for index, venue in enumerate(self.venues)
            for key, secret in venue.keys
        ]

    def pids(self) -> dict[str, int]:
        """Each venue's process by a label ("venue 1", ...), for its CPU time."""
        return {f"venue {i + 1}": v.pid or 0 for i, v in enumerate(self.venues)}

    def set_latency(self, seconds: float) -> None:
        for venue in self.venues:
            venue.set_latency(seconds)

    def stop(self) -> None:
        for venue in self.venues:
            venue.stop()
