"""Binance USDⓈ-M accounts through real ccxt agree with the simulated Binance's own figures:
two cross pools (USDT and USDC), hedge mode, isolated legs, Multi-Assets mode with BTC
collateral, and the demo book."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitor.service.api import Credentials
from monitor.sources.sim import DEMO_BOOK, SimBook, SimPosition, SimVenue
from tests.sim_venues.test_binance_invariants import HEDGE, MARKS, MULTI, MULTI_HEDGE

from .conftest import disagreements, fetch

BOOKS = {
    "demo": DEMO_BOOK,
    "two pools": SimBook(
        "two-pools",
        3_000.0,
        (
            SimPosition("BTCUSDT", 1.0, 62_000.0, 50),
            SimPosition("ETHUSDT", -10.0, 3_200.0, 20),
            SimPosition("BTCUSDC", 0.5, 63_000.0, 20),
            SimPosition("ETHUSDC", 12.0, 3_100.0, 20, isolated_wallet=2_000.0),
        ),
        wallets={"USDC": 5_000.0},
    ),
    "issue hedge": SimBook(
        "issue-hedge",
        1_000.0,
        (SimPosition("BTCUSDT", 1.0, 61_000.0, 125), SimPosition("BTCUSDT", -1.0, 61_000.0, 125)),
        hedge=True,
    ),
    # The simulated Binance's own invariant books: hedge legs with isolated ones, Multi-Assets
    # with BTC collateral, Multi-Assets in hedge mode.
    "hedge": HEDGE,
    "multi-assets with BTC": MULTI,
    "multi-assets hedge": MULTI_HEDGE,
}


@pytest.fixture(scope="module")
def venue() -> Iterator[SimVenue]:
    v = SimVenue(seed=1, demo_book=None)
    v.set_marks(MARKS)
    v.start()
    yield v
    v.stop()


@pytest.mark.parametrize("name", list(BOOKS))
def test_every_pool_and_liquidation_price_is_the_venues(venue, name):
    c = venue.add_book(BOOKS[name])
    pools = fetch("binanceusdm", venue.url, Credentials(c.api_key, c.secret))
    assert disagreements(pools, venue.reported(c.api_key)) == []


def test_the_venue_health_of_a_pool_with_isolated_positions_is_its_cross_part(venue):
    c = venue.add_book(BOOKS["two pools"])
    pools = {
        p.collateral: p for p in fetch("binanceusdm", venue.url, Credentials(c.api_key, c.secret))
    }
    reported = venue.reported(c.api_key)
    assert pools["USDC"].exchange_health_ratio == pytest.approx(
        reported.pool("USDC").health, rel=1e-6
    )
    assert pools["USDT"].exchange_health_ratio == pytest.approx(
        reported.pool("USDT").health, rel=1e-6
    )


def test_the_issues_hedge_shows_one_price_far_away(venue):
    c = venue.add_book(BOOKS["issue hedge"])
    (pool,) = fetch("binanceusdm", venue.url, Credentials(c.api_key, c.secret))
    long, short = (p.exchange_liquidation_price for p in pool.positions)
    assert long == short  # the venue's one price
    assert long > 100_000  # not 1.2 % away
