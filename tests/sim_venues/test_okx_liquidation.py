"""Margin ratio, tiers, fees and liquidation prices of the simulated OKX venue, read through
real ccxt (async okx) over HTTP.

Expected values: the venue's published tier table and fee rates (read back through ccxt), the
book's inputs, and the ccxt-recorded OKX cross position (python/ccxt/okx.py parse_position
comment, margin-math.md §3c), whose own numbers must come out again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from monitor.sources.sim.okx import (
    DEMO_BOOK,
    DEMO_MARKS,
    FeeRates,
    OkxBook,
    OkxCredentials,
    OkxPosition,
    OkxVenue,
    okx_at,
    serve,
)
from monitor.sources.sim.okx.demo import DEMO_CREDENTIALS

T = TypeVar("T")


def call(venue: OkxVenue, creds: OkxCredentials, fn: Callable[[Any], Awaitable[T]]) -> T:
    async def go() -> T:
        exchange = okx_at(venue.url, creds)
        try:
            return await fn(exchange)
        finally:
            await exchange.close()

    return asyncio.run(go())


def raw_positions(venue: OkxVenue, creds: OkxCredentials) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = call(venue, creds, lambda ex: ex.privateGetAccountPositions())[
        "data"
    ]
    return data


def details(venue: OkxVenue, creds: OkxCredentials) -> dict[str, dict[str, Any]]:
    data = call(venue, creds, lambda ex: ex.privateGetAccountBalance())["data"][0]
    return {d["ccy"]: d for d in data["details"]}


def test_at_each_reported_liq_price_the_venue_reports_margin_ratio_one() -> None:
    venue, _url = serve()
    try:
        rows = raw_positions(venue, DEMO_CREDENTIALS)
        liq = {(r["instId"], r["posSide"], r["mgnMode"]): r["liqPx"] for r in rows}
        hedged = [v for (inst, _s, _m), v in liq.items() if inst == "ETH-USDT-SWAP"]
        assert len(hedged) == 2 and hedged[0] == hedged[1] != ""  # both legs, one liqPx
        checked = 0
        for (inst, side, mode), px in liq.items():
            if px == "":
                continue
            venue.set_marks({inst: float(px)})
            row = next(
                r for r in raw_positions(venue, DEMO_CREDENTIALS)
                if (r["instId"], r["posSide"], r["mgnMode"]) == (inst, side, mode)
            )  # fmt: skip
            assert float(row["markPx"]) == float(px)
            assert float(row["mgnRatio"]) == pytest.approx(1.0, abs=1e-9)
            if mode == "cross":
                ccy = row["ccy"]
                assert float(details(venue, DEMO_CREDENTIALS)[ccy]["mgnRatio"]) == pytest.approx(
                    1.0, abs=1e-9
                )
            venue.set_marks(DEMO_MARKS)
            checked += 1
        assert checked == len(DEMO_BOOK.positions)
    finally:
        venue.stop()


def test_the_tier_is_chosen_by_contract_count_at_a_band_edge() -> None:
    venue = OkxVenue({"BTC-USDT-SWAP": 60_000.0})
    edge = venue.add_book(
        OkxBook("edge", {"USDT": 1e6}, (OkxPosition("BTC-USDT-SWAP", 1000, 60_000.0, 50),))
    )
    above = venue.add_book(
        OkxBook("above", {"USDT": 1e6}, (OkxPosition("BTC-USDT-SWAP", 1000.01, 60_000.0, 50),))
    )
    venue.start()
    try:
        tiers = call(
            venue, edge,
            lambda ex: ex.publicGetPublicPositionTiers(
                {"instType": "SWAP", "tdMode": "cross", "instFamily": "BTC-USDT"}),
        )["data"]  # fmt: skip

        def published_rate(contracts: float) -> float:
            return next(
                float(t["mmr"]) for t in tiers
                if float(t["minSz"]) <= contracts <= float(t["maxSz"])
            )  # fmt: skip

        assert published_rate(1000) != published_rate(1000.01)
        for creds, contracts in ((edge, 1000), (above, 1000.01)):
            (row,) = raw_positions(venue, creds)
            notional = contracts * 0.01 * 60_000.0  # BTC-USDT-SWAP ctVal 0.01 BTC
            assert float(row["mmr"]) == pytest.approx(notional * published_rate(contracts))
    finally:
        venue.stop()


def test_the_fee_to_close_is_in_the_margin_ratio() -> None:
    venue = OkxVenue({"ETH-USDT-SWAP": 3_000.0})
    position = (OkxPosition("ETH-USDT-SWAP", 100, 3_100.0, 20),)
    accounts = [
        venue.add_book(OkxBook(f"taker-{t}", {"USDT": 3_000.0}, position,
                               fees=FeeRates(taker_usdt=t)))
        for t in (0.0005, 0.0002)
    ]  # fmt: skip
    venue.start()
    try:
        ratios, liqs = [], []
        for creds in accounts:
            fee = call(venue, creds, lambda ex: ex.privateGetAccountTradeFee({"instType": "SWAP"}))
            taker = -float(fee["data"][0]["takerU"])
            (row,) = raw_positions(venue, creds)
            equity = 3_000.0 + float(row["upl"])
            notional = float(row["notionalUsd"])  # USDT at 1 USD in this book
            expected = equity / (float(row["mmr"]) + notional * taker)
            assert float(row["mgnRatio"]) == pytest.approx(expected, rel=1e-12)
            assert float(row["mgnRatio"]) != pytest.approx(equity / float(row["mmr"]), rel=1e-3)
            ratios.append(float(row["mgnRatio"]))
            liqs.append(float(row["liqPx"]))
        assert ratios[0] < ratios[1]  # the dearer close costs margin ratio...
        assert liqs[0] > liqs[1]  # ...and brings a long's liquidation closer
    finally:
        venue.stop()


# ccxt's recorded OKX cross position (python/ccxt/okx.py, parse_position comment):
# BTC-USDT-SWAP, pos 1, avgPx 34131.1, lever 2, cross. Its markPx field (4786.46) contradicts its
# own upl and notionalUsd; the mark is recovered from upl = pos x ctVal x (mark - avgPx).
RECORDED = {
    "imr": 170.66093041794787,
    "liqPx": 12608.959083877446,
    "mgnRatio": 140.49930117599155,
    "mmr": 1.3652874433435829,
    "upl": 0.0108608358957281,
    "uplRatio": 0.0000636418743944,
}
RECORDED_MARK = 34131.1 + RECORDED["upl"] / 0.01
# cashBal is not in the payload: back-solved from its mgnRatio, equity / (mmr + 0.05 % x
# notional), it comes out at 215.78881232 — eight decimals, as OKX prints balances.
RECORDED_CASH = 215.78881232


def test_the_ccxt_recorded_okx_cross_position_comes_out_again() -> None:
    venue = OkxVenue({"BTC-USDT-SWAP": RECORDED_MARK})
    book = OkxBook(
        "recorded", {"USDT": RECORDED_CASH},
        (OkxPosition("BTC-USDT-SWAP", 1, 34131.1, 2),),
        fees=FeeRates(taker_usdt=0.0005),  # OKX's regular swap taker rate
    )  # fmt: skip
    creds = venue.add_book(book)
    venue.start()
    try:
        (row,) = raw_positions(venue, creds)
        for field, value in RECORDED.items():
            assert float(row[field]) == pytest.approx(value, rel=1e-9), field
        (position,) = call(venue, creds, lambda ex: ex.fetch_positions())
        assert position["liquidationPrice"] == pytest.approx(RECORDED["liqPx"], rel=1e-9)
    finally:
        venue.stop()
