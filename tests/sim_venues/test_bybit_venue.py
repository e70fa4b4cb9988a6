"""Real ccxt (async) bybit against the simulated Bybit v5 venue: the figures it serves.

ccxt signs every private request itself; the venue checks the signature. Figures are checked
against the books the tests hold (inputs), Bybit's documented identities between fields, and a
straightforward re-evaluation of the account MM rate from what the venue served.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.sim_venues.test_bybit_helpers import (
    CROSS,
    ISOLATED,
    call,
    collateral_value,
    cross,
    isolated,
    position_mm,
    rate_at,
    served_account,
    venue,
)

__all__ = ["cross", "isolated", "venue"]  # module-scoped fixtures used here


def test_positions_come_per_settle_coin_with_bybit_field_identities(venue, cross):
    served = call(venue, cross, served_account)
    assert {p["symbol"] for p in served["usdt"]} == {
        "BTC/USDT:USDT",
        "ETH/USDT:USDT",
        "SOL/USDT:USDT",
    }
    assert {p["symbol"] for p in served["usdc"]} == {"BTC/USDC:USDC", "ETH/USDC:USDC"}
    by_leg = {(p["symbol"], p["side"]): p for p in served["positions"]}
    for held in CROSS.positions:
        symbol = {"BTCPERP": "BTC/USDC:USDC", "ETHPERP": "ETH/USDC:USDC"}.get(
            held.symbol, f"{held.symbol[:-4]}/USDT:USDT"
        )
        p = by_leg[(symbol, held.ccxt_side)]
        info, mark = p["info"], p["markPrice"]
        assert p["contracts"] == held.size and p["entryPrice"] == held.avg_price
        assert p["hedged"] == (held.position_idx != 0)
        assert info["tradeMode"] == 0 and info["bustPrice"] == ""
        assert mark == served["marks"][symbol]
        assert p["notional"] == pytest.approx(held.size * mark, rel=1e-12)
        assert float(info["unrealisedPnl"]) == pytest.approx(
            held.sign * held.size * (mark - held.avg_price), abs=1e-8
        )
        expected_mm = position_mm(info, mark, served["tiers"][symbol], CROSS.taker_fee)
        assert p["maintenanceMargin"] == pytest.approx(expected_mm, abs=1e-8)
        assert info["positionMMByMp"] == info["positionMM"]


def test_each_served_cross_liq_price_is_within_a_tick_of_account_mm_rate_one(venue, cross):
    served = call(venue, cross, served_account)
    account = venue.reported(cross.api_key)
    seen = 0
    for p in served["positions"]:
        liq = p["liquidationPrice"]
        expected = account.position(p["symbol"], p["side"]).liquidation_price
        if expected is None:
            assert liq is None
            continue
        tick = float(venue.market_by_id[p["info"]["symbol"]].tick)
        assert liq == pytest.approx(round(expected / tick) * tick, abs=tick / 1000)
        below, above = (
            rate_at(served, p["symbol"], liq - tick),
            rate_at(served, p["symbol"], liq + tick),
        )
        assert min(below, above) <= 1.0 <= max(below, above)
        seen += 1
    assert seen >= 3
    eth = [p["liquidationPrice"] for p in served["positions"] if p["symbol"] == "ETH/USDT:USDT"]
    assert len(eth) == 2 and eth[0] == eth[1]  # hedge legs share one price


def test_wallet_balance_totals_follow_the_documented_formulas(venue, cross):
    served = call(venue, cross, served_account)
    w, balance = served["wallet"], served["balance"]
    for coin, qty in CROSS.coins.items():
        assert balance[coin]["total"] == qty
    num = {k: float(v) for k, v in w.items() if k.startswith("total")}
    btc_price = served["marks"]["BTC/USDT:USDT"]
    wallet_usd = 6_000.0 + 1_500.0 + collateral_value(0.1, btc_price, served["collateral"]["BTC"])
    upl = sum(float(p["info"]["unrealisedPnl"]) for p in served["positions"])
    mm = sum(p["maintenanceMargin"] for p in served["positions"])
    assert num["totalWalletBalance"] == pytest.approx(wallet_usd, abs=1e-7)
    assert num["totalPerpUPL"] == pytest.approx(upl, abs=1e-6)
    assert num["totalMarginBalance"] == pytest.approx(wallet_usd + upl, abs=1e-6)
    assert num["totalEquity"] == pytest.approx(7_500.0 + 0.1 * btc_price + upl, abs=1e-6)
    assert num["totalMaintenanceMargin"] == pytest.approx(mm, abs=1e-6)
    assert num["totalAvailableBalance"] == pytest.approx(
        num["totalMarginBalance"] - num["totalInitialMargin"], abs=1e-7
    )
    rate = mm / (wallet_usd + upl)  # served cut (not rounded) to 4 decimals
    assert float(w["accountMMRate"]) <= rate < float(w["accountMMRate"]) + 1e-4
    assert venue.reported(cross.api_key).pool("USD").margin_balance == pytest.approx(
        wallet_usd + upl, abs=1e-6
    )
    btc = next(c for c in w["coin"] if c["coin"] == "BTC")
    assert float(btc["usdValue"]) == pytest.approx(0.1 * btc_price, rel=1e-12)
    assert btc["collateralSwitch"] is True and btc["marginCollateral"] is True


def test_isolated_account_serves_position_margin_and_no_account_wide_figures(venue, isolated):
    served = call(venue, isolated, served_account)
    wallet = served["wallet"]
    for key in ("accountMMRate", "accountIMRate", "totalMarginBalance", "totalMaintenanceMargin"):
        assert wallet[key] == ""
    eth = next(p for p in served["positions"] if p["symbol"] == "ETH/USDT:USDT")
    assert eth["info"]["positionBalance"] == "1200" and eth["info"]["positionIM"] == "1200"
    btc = next(p for p in served["positions"] if p["symbol"] == "BTC/USDT:USDT")
    fee = 0.2 * 63_000.0 * (1 - 1 / 25) * ISOLATED.taker_fee
    assert float(btc["info"]["positionBalance"]) == pytest.approx(
        0.2 * 63_000.0 / 25 + fee, abs=1e-8
    )
    for p in (eth, btc):
        info, liq = p["info"], p["liquidationPrice"]
        sign = 1 if info["side"] == "Buy" else -1
        tiers, size = served["tiers"][p["symbol"]], float(info["size"])

        def gap(price: float, info=info, sign=sign, tiers=tiers, size=size) -> float:
            upl = sign * size * (price - float(info["avgPrice"]))
            return (
                float(info["positionBalance"])
                + upl
                - position_mm(info, price, tiers, ISOLATED.taker_fee)
            )

        tick = float(venue.market_by_id[info["symbol"]].tick)
        assert gap(liq - tick) * gap(liq + tick) <= 0
    pools = {p.pool for p in venue.reported(isolated.api_key).pools}
    assert pools == {"isolated ETH/USDT:USDT short", "isolated BTC/USDT:USDT long"}


def test_tickers_and_positions_follow_set_marks(venue, isolated):
    venue.set_marks({"BTC/USDT:USDT": 60_000.04, "ETHUSDT": 3_500.0})
    try:

        async def work(ex: Any) -> Any:
            return (
                await ex.fetch_ticker("BTC/USDT:USDT"),
                await ex.fetch_positions(None, {"category": "linear"}),
            )

        ticker, positions = call(venue, isolated, work)
        assert ticker["markPrice"] == 60_000.0 and ticker["indexPrice"] == 60_000.0
        btc = next(p for p in positions if p["symbol"] == "BTC/USDT:USDT")
        assert btc["markPrice"] == 60_000.0 and btc["notional"] == pytest.approx(12_000.0)
    finally:
        venue.set_marks({"BTCUSDT": 64_000.0, "ETHUSDT": 3_400.0})
