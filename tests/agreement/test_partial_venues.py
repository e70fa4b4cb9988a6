"""A venue (or another engineer's stand-in of it) that does not serve an optional route: the
app falls back to a figure it can still vouch for instead of failing the whole account."""

from __future__ import annotations

import pytest

from monitor.service.api import Credentials
from monitor.sources.sim import routes as binance_routes
from monitor.sources.sim.bybit import BybitBook, BybitPosition, BybitVenue
from monitor.sources.sim.bybit import routes as bybit_routes

from .conftest import disagreements, fetch
from .test_binance_agrees import BOOKS as BINANCE_BOOKS
from .test_binance_agrees import MARKS


def test_bybit_without_collateral_table_or_account_info(monkeypatch):
    for path in ("/v5/spot-margin-trade/collateral", "/v5/account/info"):
        monkeypatch.delitem(bybit_routes.ROUTES, path)
    book = BybitBook(
        coins={"USDT": 500.0, "BTC": 0.25},
        positions=(BybitPosition("BTCUSDT", "Buy", 1.0, 62_000.0, 25),),
    )
    with BybitVenue() as venue:
        venue.add_account(book, "partial", "secret")
        pools = fetch("bybit", venue.url, Credentials("partial", "secret"))
        # BTC's ratio from the venue's own total (0.98 in its first tier), cross from its rates.
        assert disagreements(pools, venue.reported("partial")) == []
    (btc,) = pools[0].collaterals
    assert btc.ratio == pytest.approx(0.98, rel=1e-9)


def test_binance_multi_assets_without_the_asset_index(monkeypatch):
    from monitor.sources.sim import SimVenue

    monkeypatch.delitem(binance_routes.ROUTES, "/fapi/v1/assetIndex")
    venue = SimVenue(seed=1, demo_book=None)
    venue.set_marks(MARKS)
    venue.start()
    try:
        c = venue.add_book(BINANCE_BOOKS["multi-assets with BTC"])
        (pool,) = fetch("binanceusdm", venue.url, Credentials(c.api_key, c.secret))
        reported = venue.reported(c.api_key)
    finally:
        venue.stop()
    # The USD pool as the venue values it today (its own totals), not single-asset pools.
    assert pool.collateral == "USD"
    assert pool.exchange_health_ratio == pytest.approx(reported.pool("USD").health, rel=1e-6)


def test_okx_without_position_tiers_for_one_family_leaves_the_rest_judged(monkeypatch):
    """A new listing the venue has no position tiers for yet: that position is unknown with the
    reason, every other position and pool still judged (before: the whole account failed)."""
    from monitor.domain import evaluate_accounts
    from monitor.sources.sim.okx import routes as okx_routes
    from monitor.sources.sim.okx.book import OkxBook, OkxPosition
    from monitor.sources.sim.okx.demo import DEMO_MARKS
    from monitor.sources.sim.okx.venue import OkxVenue

    served = okx_routes.ROUTES["/api/v5/public/position-tiers"]

    def without_sol(venue, key, params):  # type: ignore[no-untyped-def]
        if "SOL" in str(params.get("instFamily", "")):
            return []
        return served.handler(venue, key, params)

    monkeypatch.setitem(
        okx_routes.ROUTES, "/api/v5/public/position-tiers", okx_routes.Route(without_sol, False)
    )
    book = OkxBook(
        name="new-listing",
        cash={"USDT": 5_000.0, "USDC": 2_000.0},
        positions=(
            OkxPosition("BTC-USDT-SWAP", 40, 61_500.0, 20),
            OkxPosition("SOL-USDT-SWAP", -300, 150.0, 10),
            OkxPosition("ETH-USDC-SWAP", 20, 3_050.0, 10),
        ),
    )
    with OkxVenue(DEMO_MARKS) as venue:
        c = venue.add_book(book)
        pools = fetch("okx", venue.url, Credentials(c.api_key, c.secret, c.passphrase))
    healths = evaluate_accounts(pools)
    reports = {pool.collateral: h for pool, h in zip(pools, healths, strict=True)}
    usdt, usdc = reports["USDT"], reports["USDC"]
    assert usdt.unknown is not None and "SOL" in usdt.unknown
    assert "no position tiers" in usdt.unknown
    assert usdc.known and usdc.health_ratio is not None  # the other pool, judged as before
