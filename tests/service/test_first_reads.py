"""Accounts started together read the venue spread over their interval, not all in one instant.

Two hundred accounts of a collector all read at the same moment, and again every interval
after, arrive at the venue as one burst: the venue (and the collector's one interpreter) saw
hundreds of requests at once, answered late or not at all (RequestTimeouts), then nothing.
Checked on the real simulated venue's request log, the real service and ccxt."""

from __future__ import annotations

import statistics
from itertools import pairwise

from monitor.sources.sim.book import DEMO_BOOK
from tests.service.conftest import wait_for

POSITIONS = "/fapi/v3/positionRisk"
ACCOUNTS = 8
INTERVAL = 2.0  # a venue account's default


def _start_accounts(db, venue, make_service, interval=INTERVAL):
    """ACCOUNTS venue accounts of one interval, started together on one service."""
    keys = {}
    for i in range(ACCOUNTS):
        credentials = venue.add_book(DEMO_BOOK.scaled(f"book-{i}", 1 + i / 10))
        name = f"acct-{i}"
        db.accounts.add(name, "simulated", venue="binanceusdm", settings={"interval": interval})
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
    # the margins allow for a loaded machine (all in the same 10 ms before the spread). The
    # median gap, not the least: on a loaded machine one read late by a quarter second lands
    # beside the next one (seen: 0.011 s), which says nothing of the spread.
    even = min(INTERVAL / ACCOUNTS, 0.1)
    assert statistics.median(gaps) >= even / 2, [round(g, 3) for g in gaps]
    assert firsts[-1] - firsts[0] >= (ACCOUNTS - 1) * even / 2, firsts


# Long enough that a read the refresh forced cannot be taken for a scheduled one, even on a
# loaded machine where the eight forced reads took half a second to reach the venue.
REFRESH_INTERVAL = 5.0


def test_a_refresh_of_every_account_leaves_them_spread_after_it(db, venue, make_service):
    """ "Refresh all" reads every account at once, as asked; after it each account keeps its
    own place in the interval, instead of all reading together every interval from then on."""
    keys, service = _start_accounts(db, venue, make_service, REFRESH_INTERVAL)

    def reads(key: str) -> list[float]:
        return sorted(r.at for r in venue.requests.records(POSITIONS, key))

    wait_for(lambda: all(len(reads(k)) >= 2 for k, _ in keys.values()), timeout=30)
    asked = max(reads(k)[-1] for k, _ in keys.values())
    service.refresh()

    def after(key: str) -> list[float]:
        return [at for at in reads(key) if at > asked]

    # The forced read, then the next scheduled one.
    wait_for(lambda: all(len(after(k)) >= 2 for k, _ in keys.values()), timeout=30)
    for key, _ in keys.values():  # each read long before its turn (one interval after its last)
        last = max(at for at in reads(key) if at <= asked)
        assert after(key)[0] - last < REFRESH_INTERVAL / 2, (key, after(key)[0] - last)
    forced = sorted(after(k)[0] for k, _ in keys.values())
    assert forced[-1] - forced[0] < REFRESH_INTERVAL / 4, forced  # and all together
    nexts = sorted(after(k)[1] for k, _ in keys.values())
    gaps = [b - a for a, b in pairwise(nexts)]
    even = min(REFRESH_INTERVAL / ACCOUNTS, 0.1)
    assert nexts[-1] - nexts[0] >= (ACCOUNTS - 1) * even / 2, [round(g, 3) for g in gaps]
