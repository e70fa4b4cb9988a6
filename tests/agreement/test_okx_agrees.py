"""OKX single-currency margin accounts through real ccxt agree with the simulated OKX."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitor.service.api import Credentials
from monitor.sources.sim.okx.book import OkxBook, OkxPosition
from monitor.sources.sim.okx.demo import DEMO_BOOK, DEMO_MARKS
from monitor.sources.sim.okx.venue import OkxVenue

from .conftest import disagreements, fetch

BOOKS = {
    # Long/short mode: USDT and USDC pools, ETH-USDT held both ways, an isolated ETH-USDC long.
    "demo": DEMO_BOOK,
    "net mode": OkxBook(
        name="net",
        cash={"USDT": 5_000.0},
        positions=(
            OkxPosition("BTC-USDT-SWAP", 40, 61_500.0, 20),
            OkxPosition("SOL-USDT-SWAP", -300, 150.0, 10),
        ),
    ),
    # Big enough that the band is the second one: one rate for the whole position.
    "second band": OkxBook(
        name="band",
        cash={"USDT": 60_000.0},
        positions=(OkxPosition("BTC-USDT-SWAP", 2_000, 62_000.0, 50),),
    ),
    "hedge": OkxBook(
        name="hedge",
        cash={"USDT": 1_000.0},
        pos_mode="long_short_mode",
        positions=(
            OkxPosition("BTC-USDT-SWAP", 100, 63_000.0, 50, pos_side="long"),
            OkxPosition("BTC-USDT-SWAP", 100, 63_000.0, 50, pos_side="short"),
        ),
    ),
    "isolated": OkxBook(
        name="iso",
        cash={"USDT": 2_000.0},
        positions=(OkxPosition("ETH-USDT-SWAP", 50, 3_050.0, 10, "isolated", margin=1_600.0),),
    ),
}


@pytest.fixture(scope="module")
def venue() -> Iterator[OkxVenue]:
    with OkxVenue(DEMO_MARKS) as v:
        yield v


@pytest.mark.parametrize("name", list(BOOKS))
def test_every_pool_and_liquidation_price_is_the_venues(venue, name):
    c = venue.add_book(BOOKS[name])
    pools = fetch("okx", venue.url, Credentials(c.api_key, c.secret, c.passphrase))
    assert disagreements(pools, venue.reported(c.api_key)) == []


def test_the_fee_to_close_is_the_accounts_own_taker_rate(venue):
    c = venue.add_book(BOOKS["net mode"])
    pools = fetch("okx", venue.url, Credentials(c.api_key, c.secret, c.passphrase))
    fees = {p.close_fee_rate for pool in pools for p in pool.positions}
    assert fees == {BOOKS["net mode"].fees.taker_usdt}


def test_the_band_is_chosen_by_contracts_for_the_whole_position(venue):
    c = venue.add_book(BOOKS["second band"])
    (pool,) = fetch("okx", venue.url, Credentials(c.api_key, c.secret, c.passphrase))
    (position,) = pool.positions
    # 2,000 contracts lie in OKX's second BTC-USDT-SWAP band (1,000 < size <= 5,000): 0.5 %
    # on the whole position, no deduction, whatever the price.
    assert [(t.rate, t.amount) for t in position.maintenance.tiers] == [(0.005, 0.0)]


def test_the_band_carries_the_venues_own_maximum_leverage(venue):
    """The position-tiers row's maxLever (66.66 for the second BTC-USDT-SWAP band, as the
    simulated OKX serves it), not 1 / (2 x 0.5 %) = 100: largest safe size caps by it."""
    c = venue.add_book(BOOKS["second band"])
    (pool,) = fetch("okx", venue.url, Credentials(c.api_key, c.secret, c.passphrase))
    (position,) = pool.positions
    assert [t.max_leverage for t in position.maintenance.tiers] == [66.66]


def test_the_exchanges_own_ratio_is_read_per_currency(venue):
    c = venue.add_book(BOOKS["demo"])
    pools = fetch("okx", venue.url, Credentials(c.api_key, c.secret, c.passphrase))
    reported = venue.reported(c.api_key)
    assert {p.collateral: p.exchange_health_ratio for p in pools} == {
        ccy: pytest.approx(reported.pool(ccy).health, rel=1e-7) for ccy in ("USDT", "USDC")
    }
