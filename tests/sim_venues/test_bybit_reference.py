"""The simulated Bybit venue's reference of Bybit's UTA rules, checked by invariants.

Each reported liqPrice is re-checked by `account_rate` below: a second, straightforward
statement of the documented account MM rate (Σ positionMM ÷ margin balance, collateral at its
tiered value ratio) evaluated at the moved marks — never the venue's bisection. The one
numeric expectation from outside is the recorded LTCUSDT position in ccxt's test data.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from pathlib import Path

import pytest

import monitor.sources.sim.bybit as bybit_package
from monitor.sources.sim.bybit import (
    ISOLATED_MARGIN,
    MARKETS,
    BybitBook,
    BybitPosition,
    BybitVenue,
    RiskTier,
)
from monitor.sources.sim.bybit.markets import on_tick
from monitor.sources.sim.bybit.reference import (
    cross_initial_margin,
    fee_to_close,
    maintenance_margin,
)

FIXTURES = Path("/work/shared/ccxt-fixtures/bybit")
BY_ID = {m.id: m for m in MARKETS}
MARKS = {m.id: on_tick(m.start_mark, m.tick) for m in MARKETS}
# The help centre's example of tiered collateral value ratios (BTC by quantity).
BTC_TIERS = ((0, 10, 0.98), (10, 20, 0.95), (20, 30, 0.9), (30, 40, 0.85), (40, 50, 0.8))

USDT_ONLY = BybitBook({"USDT": 5_000.0}, (BybitPosition("BTCUSDT", "Buy", 0.5, 62_000.0, 20),))
USDT_BTC = BybitBook(
    {"USDT": 2_000.0, "BTC": 0.05}, (BybitPosition("BTCUSDT", "Buy", 0.5, 62_000.0, 20),)
)
BIG_BTC_SHORT = BybitBook(  # 60 BTC: 3.84M of value, tier 2 now, tier 3 at its liquidation
    {"USDT": 400_000.0}, (BybitPosition("BTCUSDT", "Sell", 60.0, 63_000.0, 50),)
)
MIXED = BybitBook(
    {"USDT": 3_000.0, "USDC": 1_000.0, "BTC": 12.0},
    (
        BybitPosition("BTCUSDT", "Buy", 0.3, 63_000.0, 10),
        BybitPosition("ETHPERP", "Sell", 4.0, 3_500.0, 10),
        BybitPosition("BTCPERP", "Buy", 0.1, 65_000.0, 25),
    ),
)
HEDGE = BybitBook(
    {"USDT": 4_000.0},
    (
        BybitPosition("ETHUSDT", "Buy", 6.0, 3_300.0, 10, position_idx=1),
        BybitPosition("ETHUSDT", "Sell", 2.0, 3_450.0, 10, position_idx=2),
        BybitPosition("SOLUSDT", "Sell", 50.0, 140.0, 20),
    ),
)
ISOLATED = BybitBook(
    {"USDT": 5_000.0},
    (
        BybitPosition("BTCUSDT", "Buy", 0.2, 63_000.0, 25),
        BybitPosition("ETHUSDT", "Sell", 3.0, 3_300.0, 10, margin=1_200.0),
        BybitPosition("SOLUSDT", "Buy", 40.0, 150.0, 10, position_idx=1),
        BybitPosition("SOLUSDT", "Sell", 20.0, 152.0, 10, position_idx=2),
    ),
    margin_mode=ISOLATED_MARGIN,
)
CROSS_BOOKS = {
    "usdt-only": USDT_ONLY,
    "usdt-btc": USDT_BTC,
    "big-short": BIG_BTC_SHORT,
    "usdt-usdc-perps": MIXED,
    "hedge": HEDGE,
}


def reported(book: BybitBook, marks: Mapping[str, float] = MARKS):
    venue = BybitVenue(marks=marks)
    return venue.reported(venue.add_account(book).api_key)


def position_mm(p: BybitPosition, mark: float, taker: float) -> float:
    """positionMM as the New Margin Calculation page states it, tier by value at mark."""
    value = p.size * mark
    tiers = BY_ID[p.symbol].tiers
    tier = next((t for t in tiers if value <= t.risk_limit_value), tiers[-1])
    sign = 1 if p.side == "Buy" else -1
    return (
        value * tier.mmr
        - tier.mm_deduction
        + p.size * p.avg_price * (1 - sign / p.leverage) * taker
    )


def collateral(coin: str, qty: float, price: float) -> float:
    if coin in ("USDT", "USDC"):
        return qty
    assert coin == "BTC" and qty < 50
    return price * sum(max(0.0, min(qty, hi) - lo) * r for lo, hi, r in BTC_TIERS)


def account_rate(book: BybitBook, marks: Mapping[str, float], btc_price: float) -> float:
    margin = sum(collateral(c, q, btc_price) for c, q in book.coins.items())
    margin += sum(
        (1 if p.side == "Buy" else -1) * p.size * (marks[p.symbol] - p.avg_price)
        for p in book.positions
    )
    mm = sum(position_mm(p, marks[p.symbol], book.taker_fee) for p in book.positions)
    return mm / margin


def test_the_venue_never_imports_the_app_to_make_its_figures():
    package = Path(bybit_package.__file__).parent
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                if name.startswith("monitor"):
                    allowed = (
                        "monitor.sources.sim.bybit",
                        "monitor.sources.sim.reported",
                        "monitor.sources.sim.ws_host",  # transport only: no venue rules
                    )
                    assert name.startswith(allowed), (source.name, name)


def test_recorded_ltc_position_maintenance_and_initial_margin_are_reproduced():
    """ccxt's recorded LTCUSDT position (2023, entry basis): with mark = avgPrice the mark-based
    rule is the same statement, so its positionValue, positionMM and positionIM come back
    (Bybit rounds its stored fee to 8 decimals: agreement to 1e-6)."""
    case = json.loads((FIXTURES / "fetchPositions.json").read_text())
    raw = case["methods"]["fetchPositions"][0]["httpResponse"]["result"]["list"][0]
    size, avg, lev = float(raw["size"]), float(raw["avgPrice"]), float(raw["leverage"])
    tiers = (RiskTier(int(raw["riskId"]), float(raw["riskLimitValue"]), 0.01, 0.02, 0.0),)
    taker = 0.00055  # Bybit's base taker rate
    assert size * avg == pytest.approx(float(raw["positionValue"]), abs=1e-6)
    mm = maintenance_margin(tiers, 1, size, avg, lev, taker, mark=avg)
    assert mm == pytest.approx(float(raw["positionMM"]), abs=1e-6)
    fee = fee_to_close(1, size, avg, lev, taker)
    im = cross_initial_margin(size, avg, lev, fee)
    assert im == pytest.approx(float(raw["positionIM"]), abs=1e-6)


@pytest.mark.parametrize(("side", "sign"), [("Buy", 1), ("Sell", -1)])
def test_the_fee_to_close_raises_position_mm_by_the_bankruptcy_value_times_taker(side, sign):
    tiers = BY_ID["BTCUSDT"].tiers
    with_fee = maintenance_margin(tiers, sign, 0.5, 60_000.0, 10, 0.00055, 64_000.0)
    without = maintenance_margin(tiers, sign, 0.5, 60_000.0, 10, 0.0, 64_000.0)
    assert with_fee > without
    assert with_fee - without == pytest.approx(0.5 * 60_000.0 * (1 - sign / 10) * 0.00055)


@pytest.mark.parametrize("market", MARKETS, ids=lambda m: m.id)
def test_mm_deductions_make_maintenance_continuous_across_tiers(market):
    for low, high in zip(market.tiers, market.tiers[1:], strict=False):
        edge = low.risk_limit_value
        assert edge * low.mmr - low.mm_deduction == pytest.approx(
            edge * high.mmr - high.mm_deduction, rel=1e-12
        )


@pytest.mark.parametrize("book", CROSS_BOOKS.values(), ids=CROSS_BOOKS.keys())
def test_at_each_cross_liquidation_price_the_account_mm_rate_is_one(book):
    account = reported(book)
    assert {p.pool for p in account.positions} == {"USD"}
    checked = 0
    for p in book.positions:
        market = BY_ID[p.symbol]
        liq = account.position(market.symbol, p.ccxt_side).liquidation_price
        if liq is None:
            continue
        moved = {**MARKS, p.symbol: liq}
        btc = MARKS["BTCUSDT"] * (liq / MARKS[p.symbol] if market.base == "BTC" else 1.0)
        assert account_rate(book, moved, btc) == pytest.approx(1.0, abs=1e-9)
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("book", CROSS_BOOKS.values(), ids=CROSS_BOOKS.keys())
def test_the_usd_pool_is_margin_balance_and_sum_of_position_mm(book):
    account = reported(book)
    pool = account.pool("USD")
    rate = account_rate(book, MARKS, MARKS["BTCUSDT"])
    assert pool.maintenance_margin == pytest.approx(
        sum(position_mm(p, MARKS[p.symbol], book.taker_fee) for p in book.positions), rel=1e-12
    )
    assert pool.maintenance_margin / pool.margin_balance == pytest.approx(rate, rel=1e-12)
    for p in book.positions:
        mm = account.position(BY_ID[p.symbol].symbol, p.ccxt_side).maintenance_margin
        assert mm == pytest.approx(position_mm(p, MARKS[p.symbol], book.taker_fee), rel=1e-12)


def test_the_tier_is_the_one_at_the_tested_price():
    tiers = BY_ID["BTCUSDT"].tiers
    liq = reported(BIG_BTC_SHORT).position("BTC/USDT:USDT", "short").liquidation_price
    assert liq is not None
    now_value, liq_value = 60.0 * MARKS["BTCUSDT"], 60.0 * liq
    assert tiers[0].risk_limit_value < now_value <= tiers[1].risk_limit_value < liq_value
    moved = {**MARKS, "BTCUSDT": liq}
    assert account_rate(BIG_BTC_SHORT, moved, liq) == pytest.approx(1.0, abs=1e-9)


def test_btc_collateral_makes_a_btc_long_liquidate_higher_than_equivalent_usdt():
    btc_value = 0.05 * MARKS["BTCUSDT"] * 0.98
    same_in_usdt = BybitBook({"USDT": 2_000.0 + btc_value}, USDT_BTC.positions)
    with_btc = reported(USDT_BTC).position("BTC/USDT:USDT", "long").liquidation_price
    with_usdt = reported(same_in_usdt).position("BTC/USDT:USDT", "long").liquidation_price
    assert reported(USDT_BTC).pool("USD").margin_balance == pytest.approx(
        reported(same_in_usdt).pool("USD").margin_balance, rel=1e-12
    )
    assert with_btc is not None and with_usdt is not None
    assert with_btc > with_usdt


def test_usdc_perpetuals_share_the_usd_pool_with_usdt_ones():
    alone = BybitBook({"USDT": 3_000.0, "USDC": 1_000.0, "BTC": 12.0}, MIXED.positions[:1])
    mixed = reported(MIXED)
    usdc_upl = -4.0 * (MARKS["ETHPERP"] - 3_500.0) + 0.1 * (MARKS["BTCPERP"] - 65_000.0)
    assert mixed.pool("USD").margin_balance - reported(alone).pool("USD").margin_balance == (
        pytest.approx(usdc_upl, rel=1e-12)
    )
    assert [p.pool for p in mixed.pools] == ["USD"]


def test_hedge_legs_share_one_liquidation_price():
    account = reported(HEDGE)
    long_leg = account.position("ETH/USDT:USDT", "long").liquidation_price
    short_leg = account.position("ETH/USDT:USDT", "short").liquidation_price
    assert long_leg is not None and long_leg == short_leg
    moved = {**MARKS, "ETHUSDT": long_leg}
    assert account_rate(HEDGE, moved, MARKS["BTCUSDT"]) == pytest.approx(1.0, abs=1e-9)


def test_isolated_positions_liquidate_when_position_balance_plus_upl_meets_position_mm():
    account = reported(ISOLATED)
    assert all(p.pool.startswith("isolated ") for p in account.positions)
    assert "USD" not in {p.pool for p in account.pools}
    for p in ISOLATED.positions:
        market = BY_ID[p.symbol]
        sign = 1 if p.side == "Buy" else -1
        fee = p.size * p.avg_price * (1 - sign / p.leverage) * ISOLATED.taker_fee
        balance = p.margin if p.margin is not None else p.size * p.avg_price / p.leverage + fee
        pool = account.pool(f"isolated {market.symbol} {p.ccxt_side}")
        upl = sign * p.size * (MARKS[p.symbol] - p.avg_price)
        assert pool.margin_balance == pytest.approx(balance + upl, rel=1e-12)
        liq = account.position(market.symbol, p.ccxt_side).liquidation_price
        assert liq is not None
        at_liq = balance + sign * p.size * (liq - p.avg_price)
        assert at_liq / position_mm(p, liq, ISOLATED.taker_fee) == pytest.approx(1.0, abs=1e-9)
        assert (liq < MARKS[p.symbol]) == (p.side == "Buy")


def test_a_book_that_cannot_be_liquidated_reports_no_price():
    flat = BybitBook({"USDT": 100_000.0}, (BybitPosition("SOLUSDT", "Buy", 10.0, 150.0, 10),))
    assert reported(flat).position("SOL/USDT:USDT", "long").liquidation_price is None
