"""Invariants of the simulated Binance venue's own figures (`SimVenue.reported`).

Every reported liquidation price is re-checked by a separate, direct evaluation of Binance's
margin condition (tests/sources/sim_rules.py: no bisection, no code shared with the venue);
the books cover hedge mode, isolated legs, USDT and USDC pools side by side, and multi-assets
mode with BTC collateral.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.sources.sim import MARKETS, SimBook, SimPosition, SimVenue
from tests.sources.sim_rules import pool_of, pool_state

BY_ID = {m.id: m for m in MARKETS}
KEY = "binance-test-key"
MARKS = {
    "BTCUSDT": 61_000.0,
    "ETHUSDT": 3_050.0,
    "SOLUSDT": 148.0,
    "DOGEUSDT": 0.15,
    "BTCUSDC": 61_020.0,
    "ETHUSDC": 3_051.0,
}

HEDGE = SimBook(
    "hedge",
    15_000.0,
    (
        SimPosition("BTCUSDT", 2.0, 60_000.0, 20),
        SimPosition("BTCUSDT", -0.8, 63_000.0, 20),
        SimPosition("ETHUSDT", 20.0, 3_000.0, 20),
        SimPosition("ETHUSDT", -25.0, 3_100.0, 20),
        SimPosition("SOLUSDT", 300.0, 150.0, 10),
        SimPosition("DOGEUSDT", 50_000.0, 0.16, 10, isolated_wallet=800.0),
        SimPosition("DOGEUSDT", -30_000.0, 0.14, 10, isolated_wallet=600.0),
    ),
    hedge=True,
)
TWO_POOLS = SimBook(
    "two-pools",
    8_000.0,
    (
        SimPosition("BTCUSDT", 1.0, 62_000.0, 20),
        SimPosition("ETHUSDT", -10.0, 3_200.0, 20),
        SimPosition("BTCUSDC", 0.5, 63_000.0, 20),
        SimPosition("ETHUSDC", 12.0, 3_100.0, 20),
    ),
    wallets={"USDC": 5_000.0},
)
MULTI = SimBook(
    "multi",
    6_000.0,
    (
        SimPosition("BTCUSDT", 1.5, 63_000.0, 20),
        SimPosition("ETHUSDC", -15.0, 3_100.0, 20),
        SimPosition("SOLUSDT", 200.0, 150.0, 10),
    ),
    wallets={"USDC": 2_000.0, "BTC": 0.2},
    multi_assets=True,
)
MULTI_HEDGE = SimBook(
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
)
BOOKS = [HEDGE, TWO_POOLS, MULTI, MULTI_HEDGE]


def venue_with(book: SimBook, marks: Mapping[str, float] = MARKS) -> SimVenue:
    venue = SimVenue(seed=1, demo_book=None)
    venue.add_book(book, KEY, "secret")
    venue.set_marks(marks)
    return venue


def served_rates(venue: SimVenue) -> dict[str, tuple[float, float]]:
    return {a: (float(r.bid_rate), float(r.ask_rate)) for a, r in venue.asset_indexes().items()}


@pytest.mark.parametrize("book", BOOKS, ids=lambda b: b.name)
def test_every_liquidation_price_meets_the_condition_with_equality(book: SimBook) -> None:
    venue = venue_with(book)
    marks, rates = venue.marks(), served_rates(venue)
    reported = venue.reported(KEY)
    assert len(reported.positions) == len(book.positions)
    for i, (held, theirs) in enumerate(zip(book.positions, reported.positions, strict=True)):
        pool = pool_of(book, BY_ID, i)
        assert theirs.pool == pool
        liq = theirs.liquidation_price
        assert liq is not None, (book.name, held)
        balance, maint = pool_state(book, BY_ID, marks, pool, {held.market: liq}, rates)
        assert balance / maint == pytest.approx(1.0, abs=1e-9), (book.name, held)


@pytest.mark.parametrize("book", BOOKS, ids=lambda b: b.name)
def test_pools_are_binances_sums_at_the_marks(book: SimBook) -> None:
    venue = venue_with(book)
    marks, rates = venue.marks(), served_rates(venue)
    reported = venue.reported(KEY)
    expected = {pool_of(book, BY_ID, i) for i in range(len(book.positions))}
    assert {p.pool for p in reported.pools} == expected
    for pool in reported.pools:
        balance, maint = pool_state(book, BY_ID, marks, pool.pool, None, rates)
        assert pool.margin_balance == pytest.approx(balance, rel=1e-12)
        assert pool.maintenance_margin == pytest.approx(maint, rel=1e-12)


@pytest.mark.parametrize("book", [HEDGE, MULTI_HEDGE], ids=lambda b: b.name)
def test_hedge_legs_of_a_symbol_share_one_cross_liquidation_price(book: SimBook) -> None:
    reported = venue_with(book).reported(KEY)
    by_symbol: dict[str, set[float | None]] = {}
    for p in reported.positions:
        if not p.pool.startswith("isolated"):
            by_symbol.setdefault(p.symbol, set()).add(p.liquidation_price)
    assert len(by_symbol["BTC/USDT:USDT"]) == 1
    if book is HEDGE:
        assert len(by_symbol["ETH/USDT:USDT"]) == 1
        # Isolated legs each have their own wallet, so their own price.
        doge = [p for p in reported.positions if p.symbol == "DOGE/USDT:USDT"]
        assert doge[0].liquidation_price != doge[1].liquidation_price


def test_usdt_and_usdc_pools_are_independent() -> None:
    venue = venue_with(TWO_POOLS)
    before = venue.reported(KEY)
    venue.set_marks({"BTCUSDC": 50_000.0, "ETHUSDC": 2_600.0})  # the USDC pool suffers
    after = venue.reported(KEY)
    assert after.pool("USDT") == before.pool("USDT")
    hurt, was = after.pool("USDC").health, before.pool("USDC").health
    assert hurt is not None and was is not None and hurt < was
    for symbol, side in (("BTC/USDT:USDT", "long"), ("ETH/USDT:USDT", "short")):
        assert after.position(symbol, side) == before.position(symbol, side)
    richer = SimBook("richer", TWO_POOLS.wallet, TWO_POOLS.positions, wallets={"USDC": 50_000.0})
    venue.set_book(KEY, richer)
    funded = venue.reported(KEY)
    assert funded.pool("USDT") == after.pool("USDT")
    assert funded.pool("USDC").margin_balance == pytest.approx(
        after.pool("USDC").margin_balance + 45_000.0
    )


def test_btc_collateral_raises_a_btc_longs_liquidation_price() -> None:
    """The same USD collateral value held as BTC falls with BTC, so a BTC long liquidates
    sooner (at a higher price) than with that value in USDT."""
    venue = venue_with(MULTI)
    rates = served_rates(venue)
    btc_value = MULTI.wallets["BTC"] * rates["BTC"][0]
    as_usdt = SimBook(
        "usdt",
        MULTI.wallet + btc_value / rates["USDT"][0],
        MULTI.positions,
        wallets={"USDC": MULTI.wallets["USDC"]},
        multi_assets=True,
    )
    with_btc = venue.reported(KEY)
    venue.set_book(KEY, as_usdt)
    with_usdt = venue.reported(KEY)
    assert with_btc.pool("USD").margin_balance == pytest.approx(
        with_usdt.pool("USD").margin_balance, rel=1e-12
    )
    btc_liq = with_btc.position("BTC/USDT:USDT", "long").liquidation_price
    usdt_liq = with_usdt.position("BTC/USDT:USDT", "long").liquidation_price
    assert btc_liq is not None and usdt_liq is not None
    assert btc_liq > usdt_liq * 1.001
    # Other symbols do not move the BTC collateral: an ETH leg's price barely differs.
    eth = [r.position("ETH/USDC:USDC", "short").liquidation_price for r in (with_btc, with_usdt)]
    assert eth[0] == pytest.approx(eth[1], rel=1e-9)


def test_multi_assets_maintenance_is_in_usd_at_the_ask() -> None:
    venue = venue_with(MULTI)
    rates = served_rates(venue)
    reported = venue.reported(KEY)
    eth = reported.position("ETH/USDC:USDC", "short")
    own = 15.0 * MARKS["ETHUSDC"] * BY_ID["ETHUSDC"].brackets[0].rate
    assert eth.maintenance_margin == pytest.approx(own * rates["USDC"][1], rel=1e-12)
    assert sum(p.maintenance_margin for p in reported.positions) == pytest.approx(
        reported.pool("USD").maintenance_margin, rel=1e-12
    )


@pytest.mark.parametrize(("book", "pool"), [(TWO_POOLS, "USDC"), (MULTI, None)])
def test_factor_for_health_reaches_the_target_by_binances_rules(
    book: SimBook, pool: str | None
) -> None:
    venue = venue_with(book)
    venue.shift_all(venue.factor_for_health(KEY, 1.5, pool))
    name = pool or "USD"
    balance, maint = pool_state(book, BY_ID, venue.marks(), name, None, served_rates(venue))
    assert balance / maint == pytest.approx(1.5, rel=1e-6)
    with pytest.raises(ValueError, match="name one"):
        venue_with(TWO_POOLS).factor_for_health(KEY, 1.5)


legs = st.lists(
    st.tuples(
        st.sampled_from(["BTCUSDT", "ETHUSDT", "SOLUSDT", "BTCUSDC"]),
        st.floats(0.2, 3.0),  # size, in units of ~50k notional
        st.floats(0.9, 1.1),  # entry / mark
        st.booleans(),  # long?
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=25, deadline=None)
@given(legs=legs, wallet=st.floats(2_000, 200_000), hedge=st.booleans())
def test_random_books_meet_the_condition_at_every_price(
    legs: list[tuple[str, float, float, bool]], wallet: float, hedge: bool
) -> None:
    positions, seen = [], set()
    for market, size, entry_ratio, long in legs:
        key = (market, long if hedge else None)
        if key in seen:
            continue
        seen.add(key)
        amount = size * 50_000.0 / MARKS[market] * (1 if long else -1)
        positions.append(SimPosition(market, amount, MARKS[market] * entry_ratio, 20))
    book = SimBook("random", wallet, tuple(positions), {"USDC": wallet / 2}, hedge=hedge)
    venue = venue_with(book)
    marks = venue.marks()
    for i, p in enumerate(venue.reported(KEY).positions):
        if p.liquidation_price is None:
            continue
        moved = {book.positions[i].market: p.liquidation_price}
        balance, maint = pool_state(book, BY_ID, marks, p.pool, moved)
        assert balance / maint == pytest.approx(1.0, abs=1e-9)
