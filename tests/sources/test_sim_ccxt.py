"""The simulated venue as real ccxt sees it: parsed markets, positions, balance, tiers, marks.

Expected values come from the venue's *inputs* (the book, the marks it was given, Binance's
recorded bracket tables) and Binance's rules evaluated directly on them (sim_rules.py), never
from the venue's own output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import ccxt
import pytest

from monitor.sources.sim import DEMO_BOOK, DEMO_CREDENTIALS, MARKETS, SimVenue
from tests.sources.sim_rules import health, pool_of

SimClientFactory = Callable[..., ccxt.binanceusdm]

FIXTURES = Path("/work/shared/ccxt-fixtures/binance")
KEY = DEMO_CREDENTIALS.api_key
BY_ID = {m.id: m for m in MARKETS}


def test_load_markets_asks_only_for_usdm_exchange_info(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    markets = sim_client().load_markets()
    assert set(markets) == {m.symbol for m in MARKETS}
    btc = markets["BTC/USDT:USDT"]
    assert (btc["type"], btc["linear"], btc["settle"], btc["contractSize"]) == (
        "swap",
        True,
        "USDT",
        1.0,
    )
    assert btc["precision"]["amount"] == 0.001  # from LOT_SIZE stepSize
    # No spot, coin-M or wallet endpoint was called: only exchangeInfo.
    assert sim_venue.requests.by_path() == {"/fapi/v1/exchangeInfo": 1}


def test_positions_parse_to_the_book_at_the_venue_marks(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    sim_venue.step(3_600)  # move away from the round start prices
    marks = sim_venue.marks()
    positions = {p["symbol"]: p for p in sim_client().fetch_positions()}
    assert len(positions) == len(DEMO_BOOK.positions)
    for held in DEMO_BOOK.positions:
        market = BY_ID[held.market]
        got = positions[market.symbol]
        assert got["contracts"] == pytest.approx(abs(held.amount))
        assert got["entryPrice"] == pytest.approx(held.entry_price)
        assert got["markPrice"] == pytest.approx(marks[held.market], rel=1e-12)
        assert got["side"] == ("long" if held.amount > 0 else "short")
        assert got["marginMode"] == ("isolated" if held.isolated else "cross")
        assert got["hedged"] is False
        pnl = held.amount * (marks[held.market] - held.entry_price)
        assert got["unrealizedPnl"] == pytest.approx(pnl, abs=1e-6)
        assert got["notional"] == pytest.approx(abs(held.amount) * marks[held.market], rel=1e-9)


def test_v2_position_risk_carries_margin_type_and_leverage(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = sim_client()
    positions = {p["symbol"]: p for p in client.fetch_positions(params={"useV2": True})}
    assert sim_venue.requests.count("/fapi/v2/positionRisk") == 1
    assert len(positions) == len(DEMO_BOOK.positions)  # ccxt drops v2's all-zero rows
    for held in DEMO_BOOK.positions:
        got = positions[BY_ID[held.market].symbol]
        assert got["leverage"] == held.leverage
        assert got["info"]["marginType"] == ("isolated" if held.isolated else "cross")
        assert got["info"]["positionSide"] == "BOTH"


def test_each_reported_liquidation_price_brings_its_pool_to_health_one(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    sim_venue.step(600)
    positions = {p["symbol"]: p for p in sim_client().fetch_positions()}
    marks = sim_venue.marks()
    checked = 0
    for i, held in enumerate(DEMO_BOOK.positions):
        market = BY_ID[held.market]
        liq = positions[market.symbol]["liquidationPrice"]
        assert liq is not None, market.symbol
        pool = pool_of(DEMO_BOOK, BY_ID, i)

        def health_at(price: float, market_id: str = held.market, pool: str = pool) -> float:
            # This position at `price`, the others at their marks.
            return health(DEMO_BOOK, BY_ID, marks, pool, {market_id: price})

        # Binance quotes 8 decimals: health 1.0 lies between the two neighbouring quotes.
        below, above = health_at(liq - 1e-8), health_at(liq + 1e-8)
        assert min(below, above) <= 1.0 <= max(below, above), market.symbol
        assert health_at(liq) == pytest.approx(1.0, abs=1e-4), market.symbol
        checked += 1
    assert checked == len(DEMO_BOOK.positions)


def test_leverage_tiers_match_binance_and_keep_cum_in_info(sim_client: SimClientFactory) -> None:
    tiers = sim_client().fetch_leverage_tiers()
    recorded = json.loads((FIXTURES / "fetchPositions.json").read_text())["options"]
    for symbol in ("BTC/USDT:USDT", "ETH/USDT:USDT"):
        ours = [[t["minNotional"], t["maintenanceMarginRate"]] for t in tiers[symbol]]
        theirs = [[float(f), float(r)] for f, r in recorded["leverageBrackets"][symbol]]
        assert ours == theirs
    for symbol, table in tiers.items():
        cum = [t["info"]["cum"] for t in table]
        assert cum[0] == 0, symbol
        for prev, tier, c_prev, c in zip(table, table[1:], cum, cum[1:], strict=False):
            # Maintenance is continuous at each floor: that is what cum is for.
            floor = tier["minNotional"]
            left = floor * prev["maintenanceMarginRate"] - c_prev
            right = floor * tier["maintenanceMarginRate"] - c
            assert left == pytest.approx(right, abs=1e-6), (symbol, floor)


def test_maintenance_and_balance_follow_binance_rules(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = sim_client()
    tiers = client.fetch_leverage_tiers()
    sim_venue.step(1_800)
    marks = sim_venue.marks()
    positions = {p["symbol"]: p for p in client.fetch_positions()}
    for held in DEMO_BOOK.positions:
        symbol = BY_ID[held.market].symbol
        notional = abs(held.amount) * marks[held.market]
        tier = [t for t in tiers[symbol] if t["minNotional"] <= notional][-1]
        expected = notional * tier["maintenanceMarginRate"] - tier["info"]["cum"]
        assert float(positions[symbol]["info"]["maintMargin"]) == pytest.approx(expected, abs=1e-6)

    balance = client.fetch_balance()
    pnl = sum(p.amount * (marks[p.market] - p.entry_price) for p in DEMO_BOOK.positions)
    wallet = DEMO_BOOK.wallet + sum(p.isolated_wallet or 0 for p in DEMO_BOOK.positions)
    assert balance["USDT"]["total"] == pytest.approx(wallet + pnl, abs=1e-6)
    info = balance["info"]
    assert float(info["totalCrossWalletBalance"]) == pytest.approx(DEMO_BOOK.wallet)


def test_cross_health_from_the_account_endpoint_follows_binance_rules(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    sim_venue.step(900)
    info = sim_client().fetch_balance()["info"]
    cross_mm = sum(
        float(p["maintMargin"]) for p in info["positions"] if float(p["isolatedWallet"]) == 0
    )
    served = (float(info["totalCrossWalletBalance"]) + float(info["totalCrossUnPnl"])) / cross_mm
    direct = health(DEMO_BOOK, BY_ID, sim_venue.marks(), "USDT")
    assert served == pytest.approx(direct, rel=1e-9)
    assert sim_venue.reported(KEY).pool("USDT").health == pytest.approx(direct, rel=1e-12)
    assert 5 < direct < 20  # the demo starts comfortably healthy


def test_mark_prices_and_funding_rates_follow_the_venue(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = sim_client()
    sim_venue.set_marks({"BTCUSDT": 70_123.5, "ETH/USDT:USDT": 2_999.25})
    marks = client.fetch_mark_prices()
    assert marks["BTC/USDT:USDT"]["markPrice"] == 70_123.5
    assert marks["ETH/USDT:USDT"]["markPrice"] == 2_999.25
    sim_venue.shift_all(0.5)
    rates = client.fetch_funding_rates()
    assert rates["BTC/USDT:USDT"]["markPrice"] == pytest.approx(70_123.5 * 0.5)
    assert rates["BTC/USDT:USDT"]["fundingRate"] == pytest.approx(0.0001)
    one = client.fetch_mark_price("SOL/USDT:USDT")
    assert one["markPrice"] == pytest.approx(sim_venue.marks()["SOLUSDT"])


def test_every_book_is_served_to_its_own_key(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    big = sim_venue.add_book(DEMO_BOOK.scaled("big", 3.0))
    small = sim_venue.add_book(DEMO_BOOK.scaled("small", 0.1))
    for creds, factor in ((big, 3.0), (small, 0.1)):
        positions = sim_client(creds.api_key, creds.secret).fetch_positions()
        btc = next(p for p in positions if p["symbol"] == "BTC/USDT:USDT")
        assert btc["contracts"] == pytest.approx(1.2 * factor)
    # A scaled book: every balance three times the demo's (maintenance follows the brackets).
    big_pool = sim_venue.reported(big.api_key).pool("USDT")
    demo_pool = sim_venue.reported(KEY).pool("USDT")
    assert big_pool.margin_balance == pytest.approx(3 * demo_pool.margin_balance, rel=1e-12)
    assert sim_venue.book(big.api_key).wallet == pytest.approx(27_000.0)
