"""The venue's own maximum leverage per tier is read from its tier table (Binance
initialLeverage, Bybit maxLeverage, both through ccxt's unified maxLeverage), through the real
ccxt against the simulated venues on loopback; a table without it leaves it None."""

from __future__ import annotations

from typing import Any

from monitor.sources.exchange.tiers import maintenance_from_tiers
from tests.sim_venues.test_bybit_helpers import call, cross, venue

__all__ = ["cross", "venue"]  # module-scoped fixtures used here

# Binance's published USDⓈ-M BTCUSDT brackets: initialLeverage per bracket (bracket 8, a
# 15 % rate, allows 3x where 1 / (2 x rate) would say 3.33x).
BINANCE_BTC_LEVERAGE = [125.0, 100.0, 50.0, 20.0, 10.0, 5.0, 4.0, 3.0, 2.0, 1.0]


def test_binance_brackets_carry_their_initial_leverage(sim_client: Any) -> None:
    table = sim_client().fetch_leverage_tiers()["BTC/USDT:USDT"]
    maintenance = maintenance_from_tiers(table, "BTC/USDT:USDT tiers")
    assert [t.max_leverage for t in maintenance.tiers] == BINANCE_BTC_LEVERAGE
    # ... which is the raw payload's initialLeverage, bracket by bracket.
    raw = [float(t["info"]["initialLeverage"]) for t in table]
    assert raw == BINANCE_BTC_LEVERAGE


def test_bybit_risk_limits_carry_their_max_leverage(venue: Any, cross: Any) -> None:
    async def work(ex: Any) -> Any:
        return await ex.fetch_market_leverage_tiers("BTC/USDT:USDT")

    table = call(venue, cross, work)
    maintenance = maintenance_from_tiers(table, "BTC/USDT:USDT tiers")
    raw = sorted((float(t["info"]["riskLimitValue"]), t["info"]["maxLeverage"]) for t in table)
    assert [t.max_leverage for t in maintenance.tiers] == [float(lever) for _, lever in raw]
    assert len({t.max_leverage for t in maintenance.tiers}) > 1  # a real table, tier by tier


def test_a_table_without_leverage_leaves_it_to_be_derived() -> None:
    table = [
        {"minNotional": 0, "maintenanceMarginRate": 0.004, "info": {}},
        {"minNotional": 50_000, "maintenanceMarginRate": 0.005, "maxLeverage": None, "info": {}},
    ]
    maintenance = maintenance_from_tiers(table, "X tiers")
    assert [t.max_leverage for t in maintenance.tiers] == [None, None]
