"""The simulated OKX venue's reference of OKX's rules, checked by invariants.

Each reported liqPx is re-checked with a second, straightforward evaluation of OKX's margin
ratio written here from the book's inputs (equity / (mmr + taker fee), tier by contract count),
never with the venue's bisection. Closed-form expectations come from freqtrade's OKX test
vectors (margin-math.md §3b, vectors V05/V06).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Mapping
from pathlib import Path

import pytest

import monitor.sources.sim.okx as okx_package
from monitor.sources.sim.okx import INSTRUMENTS, FeeRates, OkxBook, OkxPosition, OkxVenue
from monitor.sources.sim.okx.instruments import OkxInstrument, OkxTier

BY_ID = {i.inst_id: i for i in INSTRUMENTS}
MARKS = {
    "BTC-USDT-SWAP": 60_000.0,
    "ETH-USDT-SWAP": 3_000.0,
    "SOL-USDT-SWAP": 150.0,
    "BTC-USDC-SWAP": 60_000.0,
    "ETH-USDC-SWAP": 3_000.0,
}

SINGLE = OkxBook("single", {"USDT": 2_000.0}, (OkxPosition("BTC-USDT-SWAP", 10, 60_000.0, 10),))
TWO_POOLS = OkxBook(
    "two-pools",
    {"USDT": 5_000.0, "USDC": 3_000.0},
    (
        OkxPosition("BTC-USDT-SWAP", 20, 59_000.0, 20),
        OkxPosition("ETH-USDT-SWAP", -50, 3_100.0, 20),
        OkxPosition("BTC-USDC-SWAP", 3_000, 61_000.0, 10),
    ),
)
HEDGE = OkxBook(
    "hedge",
    {"USDT": 3_000.0},
    (
        OkxPosition("ETH-USDT-SWAP", 300, 3_000.0, 10, pos_side="long"),
        OkxPosition("ETH-USDT-SWAP", 100, 3_050.0, 10, pos_side="short"),
        OkxPosition("BTC-USDT-SWAP", 5, 60_500.0, 10, pos_side="long"),
    ),
    pos_mode="long_short_mode",
)
ISOLATED = OkxBook(
    "isolated",
    {"USDT": 1_000.0},
    (
        OkxPosition("BTC-USDT-SWAP", 20, 60_000.0, 20, mgn_mode="isolated", margin=600.0),
        OkxPosition("ETH-USDT-SWAP", -30, 2_950.0, 20, mgn_mode="isolated", margin=450.0),
        OkxPosition("SOL-USDT-SWAP", 100, 152.0, 10),
    ),
)
BOOKS = (SINGLE, TWO_POOLS, HEDGE, ISOLATED)


def venue_with(book: OkxBook, marks: Mapping[str, float] = MARKS) -> tuple[OkxVenue, str]:
    venue = OkxVenue(marks)
    return venue, venue.add_book(book).api_key


def signed(p: OkxPosition) -> float:
    return -p.pos if p.pos_side == "short" else p.pos


def straight_ratio(book: OkxBook, marks: Mapping[str, float], pool: str) -> float:
    """OKX's margin ratio of one pool, written out from the book: equity / (mmr + fee)."""
    if pool.startswith("isolated "):
        _, symbol, side = pool.split(" ")
        members = [
            p for p in book.positions
            if p.mgn_mode == "isolated" and BY_ID[p.inst_id].symbol == symbol
            and ("long" if signed(p) > 0 else "short") == side
        ]  # fmt: skip
        assert len(members) == 1
        equity = members[0].margin or 0.0
    else:
        members = [
            p for p in book.positions
            if p.mgn_mode == "cross" and p.inst_id.split("-")[1] == pool
        ]  # fmt: skip
        equity = book.cash[pool]
    requirement = 0.0
    for p in members:
        inst, px = BY_ID[p.inst_id], marks[p.inst_id]
        equity += signed(p) * inst.ct_val * (px - p.avg_px)
        rate = next(t.mmr for t in inst.tiers if t.min_sz <= abs(p.pos) <= t.max_sz)
        taker = book.fees.taker_usdt if inst.settle == "USDT" else book.fees.taker_usdc
        requirement += abs(p.pos) * inst.ct_val * px * (rate + taker)
    return equity / requirement


def inst_of(symbol: str) -> str:
    return next(i.inst_id for i in INSTRUMENTS if i.symbol == symbol)


@pytest.mark.parametrize("book", BOOKS, ids=lambda b: b.name)
def test_each_liq_price_brings_its_pool_to_margin_ratio_one(book: OkxBook) -> None:
    venue, key = venue_with(book)
    reported = venue.reported(key)
    assert any(p.liquidation_price is not None for p in reported.positions)
    for p in reported.positions:
        if p.liquidation_price is None:
            continue
        moved = {**MARKS, inst_of(p.symbol): p.liquidation_price}
        assert straight_ratio(book, moved, p.pool) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("book", BOOKS, ids=lambda b: b.name)
def test_margin_ratio_rises_strictly_moving_away_from_liq_price_on_the_safe_side(
    book: OkxBook,
) -> None:
    venue, key = venue_with(book)
    for p in venue.reported(key).positions:
        if p.liquidation_price is None:
            continue
        inst = inst_of(p.symbol)
        mark, liq = MARKS[inst], p.liquidation_price
        assert straight_ratio(book, MARKS, p.pool) > 1.0  # the mark is on the safe side
        away = 1.0 if mark > liq else -1.0
        ratios = [
            straight_ratio(book, {**MARKS, inst: liq * (1 + away * k * 0.002)}, p.pool)
            for k in range(0, 8)
        ]
        assert all(b > a for a, b in itertools.pairwise(ratios)), ratios


@pytest.mark.parametrize("book", BOOKS, ids=lambda b: b.name)
def test_pool_margin_balance_over_maintenance_is_the_margin_ratio(book: OkxBook) -> None:
    venue, key = venue_with(book)
    reported = venue.reported(key)
    for pool in reported.pools:
        assert pool.health == pytest.approx(straight_ratio(book, MARKS, pool.pool), rel=1e-12)
        members = [p for p in reported.positions if p.pool == pool.pool]
        assert sum(p.maintenance_margin for p in members) == pytest.approx(
            pool.maintenance_margin, rel=1e-12
        )


def test_hedge_legs_of_one_instrument_share_one_liq_price() -> None:
    venue, key = venue_with(HEDGE)
    reported = venue.reported(key)
    long_leg = reported.position("ETH/USDT:USDT", "long")
    short_leg = reported.position("ETH/USDT:USDT", "short")
    assert long_leg.liquidation_price is not None
    assert long_leg.liquidation_price == short_leg.liquidation_price
    # Net long 20 ETH: liquidation lies below the mark.
    assert long_leg.liquidation_price < MARKS["ETH-USDT-SWAP"]


def test_a_short_liquidates_above_and_a_well_funded_long_never() -> None:
    venue, key = venue_with(TWO_POOLS)
    eth = venue.reported(key).position("ETH/USDT:USDT", "short")
    assert eth.liquidation_price is not None and eth.liquidation_price > MARKS["ETH-USDT-SWAP"]
    rich = OkxBook("rich", {"USDT": 1e7}, (OkxPosition("BTC-USDT-SWAP", 1, 60_000.0, 1),))
    venue, key = venue_with(rich)
    assert venue.reported(key).position("BTC/USDT:USDT", "long").liquidation_price is None


def test_an_isolated_liq_price_ignores_the_cross_balance() -> None:
    richer = OkxBook("richer", {"USDT": 50_000.0}, ISOLATED.positions)
    before = venue_with(ISOLATED)
    after = venue_with(richer)
    for symbol, side in (("BTC/USDT:USDT", "long"), ("ETH/USDT:USDT", "short")):
        a = before[0].reported(before[1]).position(symbol, side).liquidation_price
        b = after[0].reported(after[1]).position(symbol, side).liquidation_price
        assert a == b
    a = before[0].reported(before[1]).position("SOL/USDT:USDT", "long").liquidation_price
    b = after[0].reported(after[1]).position("SOL/USDT:USDT", "long").liquidation_price
    assert a is not None and (b is None or b < a)


X = OkxInstrument("XRP-USDT-SWAP", 1.0, 0.0001, 1.0, 100, (OkxTier(1, 0, 1e9, 0.01, 0.02, 50),))


@pytest.mark.parametrize(
    ("pos", "margin", "expected"),
    [(1, 2.0, 8.085708510208509), (-1, 3.3333333333333335, 13.19348241968414)],
    ids=["V05-long", "V06-short"],
)
def test_isolated_liq_price_matches_freqtrades_okx_vectors(
    pos: float, margin: float, expected: float
) -> None:
    """freqtrade's okx/gate isolated formula, (E -/+ M/Q) / (1 -/+ (mmr + taker)), E=10, mmr 1 %,
    taker 0.06 %: liquidation with the fee charged at the liquidation mark."""
    venue = OkxVenue({"XRP-USDT-SWAP": 10.0}, instruments=(X,))
    book = OkxBook(
        "v", {"USDT": 0.0},
        (OkxPosition("XRP-USDT-SWAP", pos, 10.0, 5, mgn_mode="isolated", margin=margin),),
        fees=FeeRates(taker_usdt=0.0006),
    )  # fmt: skip
    key = venue.add_book(book).api_key
    side = "long" if pos > 0 else "short"
    got = venue.reported(key).position("XRP/USDT:USDT", side).liquidation_price
    assert got == pytest.approx(expected, rel=1e-9)


def test_books_refuse_what_okx_would_not_report() -> None:
    with pytest.raises(ValueError, match="posSide"):
        OkxBook("x", {}, (OkxPosition("BTC-USDT-SWAP", 1, 1.0, 1),), pos_mode="long_short_mode")
    with pytest.raises(ValueError, match="positive"):
        OkxPosition("BTC-USDT-SWAP", -1, 1.0, 1, pos_side="short")
    with pytest.raises(ValueError, match="margin"):
        OkxPosition("BTC-USDT-SWAP", 1, 1.0, 1, mgn_mode="isolated")
    with pytest.raises(ValueError, match="acctLv"):
        OkxBook("x", {}, (), acct_lv="3")
    venue = OkxVenue(MARKS)
    with pytest.raises(ValueError, match="largest tier"):
        venue.add_book(OkxBook("x", {}, (OkxPosition("BTC-USDT-SWAP", 60_000.01, 1.0, 1),)))


def test_the_venue_package_imports_nothing_of_the_app() -> None:
    """Its figures are its own statement of OKX's rules: only the shared reporting shapes
    (monitor.sources.sim.reported) may come from the rest of monitor/."""
    allowed = (
        "monitor.sources.sim.okx",
        "monitor.sources.sim.reported",
        "monitor.sources.sim.ws_host",  # transport only: no venue rules
    )
    for path in Path(okx_package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                if name.startswith("monitor"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"
