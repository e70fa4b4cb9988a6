"""Bybit unified accounts through real ccxt agree with the simulated Bybit's own figures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitor.service.api import Credentials
from monitor.sources.sim.bybit import (
    DEMO_BOOK,
    ISOLATED_MARGIN,
    BybitBook,
    BybitPosition,
    BybitVenue,
)

from .conftest import disagreements, fetch

KEY, SECRET = "agree-bybit-key", "agree-bybit-secret"

BOOKS = {
    # USDT and BTC collateral, USDT and USDC perpetuals in one pool, ETH hedged both ways.
    "demo": DEMO_BOOK,
    "usdt only": BybitBook(
        coins={"USDT": 4_000.0},
        positions=(
            BybitPosition("BTCUSDT", "Buy", 0.5, 60_000.0, 20),
            BybitPosition("SOLUSDT", "Sell", 100.0, 150.0, 10),
        ),
    ),
    # A BTC long with BTC as collateral loses twice in a fall.
    "btc collateral": BybitBook(
        coins={"USDT": 500.0, "BTC": 0.25},
        positions=(BybitPosition("BTCUSDT", "Buy", 1.0, 62_000.0, 25),),
    ),
    "hedge": BybitBook(
        coins={"USDT": 1_000.0},
        positions=(
            BybitPosition("BTCUSDT", "Buy", 1.0, 60_000.0, 50, position_idx=1),
            BybitPosition("BTCUSDT", "Sell", 1.0, 60_000.0, 50, position_idx=2),
        ),
    ),
    "isolated margin": BybitBook(
        coins={"USDT": 3_000.0},
        margin_mode=ISOLATED_MARGIN,
        positions=(
            BybitPosition("BTCUSDT", "Buy", 0.2, 61_000.0, 10),
            BybitPosition("ETHUSDT", "Sell", 3.0, 3_300.0, 20),
        ),
    ),
}


@pytest.fixture(scope="module")
def venue() -> Iterator[BybitVenue]:
    with BybitVenue() as v:
        yield v


@pytest.mark.parametrize("name", list(BOOKS))
def test_every_pool_and_liquidation_price_is_the_venues(venue, name):
    key = f"{KEY}-{name.replace(' ', '-')}"
    venue.add_account(BOOKS[name], key, SECRET)
    pools = fetch("bybit", venue.url, Credentials(key, SECRET))
    assert disagreements(pools, venue.reported(key)) == []


def test_btc_collateral_is_valued_at_its_index_times_its_ratio(venue):
    key = f"{KEY}-collateral-check"
    venue.add_account(BOOKS["btc collateral"], key, SECRET)
    (pool,) = fetch("bybit", venue.url, Credentials(key, SECRET))
    (btc,) = pool.collaterals
    # The help centre's BTC table: 0-10 BTC count at 98 %.
    assert (btc.asset, btc.amount, btc.ratio) == ("BTC", 0.25, pytest.approx(0.98))
    assert btc.price == pytest.approx(venue.marks["BTCUSDT"])
    assert pool.wallet_balance == pytest.approx(500.0)


def test_the_exchanges_own_health_is_read_beside_ours(venue):
    key = f"{KEY}-venue-health"
    venue.add_account(BOOKS["demo"], key, SECRET)
    (pool,) = fetch("bybit", venue.url, Credentials(key, SECRET))
    # Not accountMMRate (cut to 4 decimals: 28.2486 here) but the exact figures.
    assert pool.exchange_health_ratio == pytest.approx(
        venue.reported(key).pool("USD").health, rel=1e-7
    )
    assert pool.exchange_maintenance_margin is not None
