"""Binance USDⓈ-M accounts through real ccxt agree with the simulated Binance's own figures:
two cross pools (USDT and USDC), hedge mode, isolated legs, Multi-Assets mode with BTC
collateral, and the demo book."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitor.service.api import Credentials
from monitor.sources.sim import DEMO_BOOK, SimBook, SimPosition, SimVenue

from .conftest import disagreements, fetch

MARKS = {
    "BTCUSDT": 61_000.0,
    "ETHUSDT": 3_050.0,
    "SOLUSDT": 148.0,
    "DOGEUSDT": 0.15,
    "BTCUSDC": 61_020.0,
    "ETHUSDC": 3_051.0,
}

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
    "hedge": SimBook(
        "hedge",
        15_000.0,
        (
            SimPosition("BTCUSDT", 2.0, 60_000.0, 20),
            SimPosition("BTCUSDT", -0.8, 63_000.0, 20),
            SimPosition("ETHUSDT", 20.0, 3_000.0, 20),
            SimPosition("ETHUSDT", -25.0, 3_100.0, 20),
            SimPosition("DOGEUSDT", 50_000.0, 0.16, 10, isolated_wallet=800.0),
            SimPosition("DOGEUSDT", -30_000.0, 0.14, 10, isolated_wallet=600.0),
        ),
        hedge=True,
    ),
    "issue hedge": SimBook(
        "issue-hedge",
        1_000.0,
        (SimPosition("BTCUSDT", 1.0, 61_000.0, 125), SimPosition("BTCUSDT", -1.0, 61_000.0, 125)),
        hedge=True,
    ),
    "multi-assets with BTC": SimBook(
        "multi",
        6_000.0,
        (
            SimPosition("BTCUSDT", 1.5, 63_000.0, 20),
            SimPosition("ETHUSDC", -15.0, 3_100.0, 20),
            SimPosition("SOLUSDT", 200.0, 150.0, 10),
        ),
        wallets={"USDC": 2_000.0, "BTC": 0.2},
        multi_assets=True,
    ),
    "multi-assets hedge": SimBook(
        "multi-hedge",
        6_000.0,
        (
            SimPosition("BTCUSDT", 1.0, 60_000.0, 20),
            SimPosition("BTCUSDT", -1.4, 62_000.0, 20),
            SimPosition("ETHUSDC", 10.0, 3_000.0, 20),
        ),
        wallets={"USDC": 1_000.0, "BTC": 0.1},
        multi_assets=True,
        hedge=True,
    ),
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
