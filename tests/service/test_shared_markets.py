"""Accounts of one venue and endpoint load its markets once between them (shared_markets.py):
a collector of 100 accounts held 100 parsed copies of the same exchangeInfo and parsed them all
at its start. Real ccxt readers on the simulated venue over loopback; its request log counts."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.sources import Connection
from monitor.sources.exchange.errors import SourceError
from monitor.sources.exchange.reader import FetchResult
from monitor.sources.sim.book import DEMO_BOOK
from monitor.sources.sim.venue import SimVenue
from tests.service.conftest import test_reader

MARKETS = "/fapi/v1/exchangeInfo"


def _readers(venue: SimVenue, count: int) -> list:
    readers = []
    for i in range(count):
        credentials = venue.add_book(DEMO_BOOK.scaled(f"book-{i}", 1 + i / 10))
        settings = ExchangeSettings("binanceusdm", api_url=venue.url)
        connection = Connection(settings, Credentials(credentials.api_key, credentials.secret))
        readers.append(test_reader(connection, f"acct-{i}"))
    return readers


def _read(readers: list, *, together: bool) -> list[FetchResult | BaseException]:
    async def run() -> list[FetchResult | BaseException]:
        try:
            if together:
                return list(
                    await asyncio.gather(
                        *(r.fetch(time.time()) for r in readers), return_exceptions=True
                    )
                )
            return [await r.fetch(time.time()) for r in readers]
        finally:
            for r in readers:
                await r.close()

    return asyncio.run(run())


@pytest.mark.parametrize("together", [True, False], ids=["at-once", "one-after-another"])
def test_accounts_of_one_venue_load_its_markets_once(venue, together):
    readers = _readers(venue, 3)
    results = _read(readers, together=together)

    assert venue.requests.count(MARKETS) == 1, venue.requests.by_path()
    held = len(DEMO_BOOK.positions)
    for result in results:
        assert isinstance(result, FetchResult), result
        assert sum(len(a.positions) for a in result.accounts) == held
    first, *others = (r.exchange for r in readers)
    assert first.markets and all(o.markets is first.markets for o in others)
    assert all(o.markets_by_id is first.markets_by_id for o in others)


def test_a_failed_markets_load_is_not_shared_each_account_loads_its_own(venue):
    readers = _readers(venue, 3)
    venue.faults.set("server_error", 503, path=MARKETS, times=1)  # the first load only

    results = _read(readers, together=True)

    assert isinstance(results[0], SourceError), results[0]  # its own read fails, alone
    assert all(isinstance(r, FetchResult) for r in results[1:]), results
    assert venue.requests.count(MARKETS) == 3, venue.requests.by_path()
