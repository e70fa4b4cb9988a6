"""Accounts started together read the venue spread over their interval, not all in one instant.

Two hundred accounts of a collector all read at the same moment, and again every interval
after, arrive at the venue as one burst: the venue (and the collector's one interpreter) saw
hundreds of requests at once, answered late or not at all (RequestTimeouts), then nothing.
Checked on the real simulated venue's request log, the real service and ccxt."""

from __future__ import annotations

from itertools import pairwise

from monitor.sources.sim.book import DEMO_BOOK
from tests.service.conftest import wait_for

POSITIONS = "/fapi/v3/positionRisk"
ACCOUNTS = 8
INTERVAL = 2.0  # a venue account's default


def _start_accounts(db, venue, make_service):
    """ACCOUNTS venue accounts of one interval, started together on one service."""
    keys = {}
    for i in range(ACCOUNTS):
        credentials = venue.add_book(DEMO_BOOK.scaled(f"book-{i}", 1 + i / 10))
        name = f"acct-{i}"
        db.accounts.add(name, "simulated", venue="binanceusdm", settings={"interval": INTERVAL})
        keys[name] = (credentials.api_key, credentials.secret)
    service, _ = make_service(keys)
    service.start()
    return keys, service


def test_first_reads_of_accounts_started_together_are_spread(db, venue, make_service):
    keys, service = _start_accounts(db, venue, make_service)
    wait_for(lambda: sum(a.known for a in service.latest().accounts) == ACCOUNTS, timeout=30)

    firsts = sorted(
        min(r.at for r in venue.requests.records(POSITIONS, k)) for k, _ in keys.values()
    )
    gaps = [b - a for a, b in pairwise(firsts)]
    # Spread evenly: consecutive first reads a good part of an even share of the interval
    # apart (at most 0.1 s, so that a few accounts do not wait long for their first figures);
    # the margins allow for a loaded machine (all in the same 10 ms before the spread).
    even = min(INTERVAL / ACCOUNTS, 0.1)
    assert min(gaps) >= even / 4, [round(g, 3) for g in gaps]
    assert firsts[-1] - firsts[0] >= (ACCOUNTS - 1) * even / 2, firsts


def test_a_refresh_of_every_account_leaves_them_spread_after_it(db, venue, make_service):
    """ "Refresh all" reads every account at once, as asked; after it each account keeps its
    own place in the interval, instead of all reading together every interval from then on."""
    keys, service = _start_accounts(db, venue, make_service)

    def reads(key: str) -> list[float]:
        return sorted(r.at for r in venue.requests.records(POSITIONS, key))

    wait_for(lambda: all(len(reads(k)) >= 2 for k, _ in keys.values()), timeout=30)
    asked = max(reads(k)[-1] for k, _ in keys.values())
    service.refresh()

    def after(key: str) -> list[float]:
        return [at for at in reads(key) if at > asked]

    # The forced read, then the next scheduled one.
    wait_for(lambda: all(len(after(k)) >= 2 for k, _ in keys.values()), timeout=30)
    forced = sorted(after(k)[0] for k, _ in keys.values())
    assert forced[-1] - forced[0] < INTERVAL / 4, forced  # the refresh read them at once
    nexts = sorted(after(k)[1] for k, _ in keys.values())
    gaps = [b - a for a, b in pairwise(nexts)]
    even = min(INTERVAL / ACCOUNTS, 0.1)
    assert nexts[-1] - nexts[0] >= (ACCOUNTS - 1) * even / 2, [round(g, 3) for g in gaps]
