"""The OKX v5 REST routes ccxt's okx calls to load markets and read an account.

load_markets with credentials asks GET /api/v5/public/instruments for SPOT, FUTURES, SWAP and
OPTION (uly BTC-USD and ETH-USD) and GET /api/v5/asset/currencies (python/ccxt/okx.py
fetch_markets / fetch_currencies); only swaps exist here, the other types answer an empty list.
Parameter errors use OKX's codes: 50014 (HTTP 400) for a missing required parameter, 51000
(HTTP 400) for a bad value, 51001 (HTTP 200) for an unknown instrument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.sources.sim.okx.account_payloads import balance_data, positions_data
from monitor.sources.sim.okx.auth import OkxError
from monitor.sources.sim.okx.market_payloads import (
    config_row,
    currency_rows,
    fee_row,
    instrument_row,
    mark_row,
    ticker_row,
    tier_rows,
)

if TYPE_CHECKING:
    from monitor.sources.sim.okx.venue import OkxVenue

INST_TYPES = ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION", "EVENTS")
Params = Mapping[str, str]
Handler = Callable[["OkxVenue", str | None, Params], list[Any]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    private: bool


def empty_param(name: str) -> OkxError:
    return OkxError(400, "50014", f"Parameter {name} can not be empty.")


def bad_param(name: str) -> OkxError:
    return OkxError(400, "51000", f"Parameter {name} error")


NO_INSTRUMENT = OkxError(
    200, "51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist."
)
NOT_FOUND = OkxError(404, "404", "Not Found")


def inst_type(params: Params, required: bool = True) -> str | None:
    value = params.get("instType", "")
    if not value:
        if required:
            raise empty_param("instType")
        return None
    if value not in INST_TYPES:
        raise bad_param("instType")
    return value


def listed(params: Params, name: str) -> set[str] | None:
    items = {v for v in params.get(name, "").split(",") if v}
    return items or None


def instruments(venue: OkxVenue, _key: str | None, params: Params) -> list[Any]:
    if inst_type(params) != "SWAP":
        return []  # spot, futures, options: none listed on this venue
    ids, families = listed(params, "instId"), listed(params, "instFamily") or listed(params, "uly")
    return [
        instrument_row(i)
        for i in venue.instruments
        if (ids is None or i.inst_id in ids) and (families is None or i.inst_family in families)
    ]


def position_tiers(venue: OkxVenue, _key: str | None, params: Params) -> list[Any]:
    kind = inst_type(params)
    mode = params.get("tdMode", "")
    if not mode:
        raise empty_param("tdMode")
    if mode not in ("cross", "isolated"):
        raise bad_param("tdMode")
    if kind != "SWAP":
        return []
    families = listed(params, "instFamily") or listed(params, "uly")
    if families is None:
        raise empty_param("instFamily")  # "If instType is SWAP/FUTURES/OPTION, required"
    tier = params.get("tier")
    rows = []
    for inst in venue.instruments:
        if inst.inst_family in families:
            rows += [r for r in tier_rows(inst) if tier is None or r["tier"] == tier]
    return rows


def _priced(venue: OkxVenue, params: Params) -> list[tuple[Any, float]]:
    ids, families = listed(params, "instId"), listed(params, "instFamily")
    marks = venue.marks()
    chosen = [
        (i, marks[i.inst_id])
        for i in venue.instruments
        if i.inst_id in marks
        and (ids is None or i.inst_id in ids)
        and (families is None or i.inst_family in families)
    ]
    if ids is not None and not chosen:
        raise NO_INSTRUMENT
    return chosen


def mark_price(venue: OkxVenue, _key: str | None, params: Params) -> list[Any]:
    # instType is documented as required, but OKX answers an instId alone (ccxt's
    # fetch_mark_price sends only instId; its recorded answer is in python/ccxt/okx.py).
    kind = inst_type(params, required=not params.get("instId"))
    if kind not in (None, "SWAP"):
        return []
    return [mark_row(i, px, venue.now_ms()) for i, px in _priced(venue, params)]


def tickers(venue: OkxVenue, _key: str | None, params: Params) -> list[Any]:
    if inst_type(params) != "SWAP":
        return []
    return [ticker_row(i, px, venue.now_ms()) for i, px in _priced(venue, params)]


def ticker(venue: OkxVenue, _key: str | None, params: Params) -> list[Any]:
    if not params.get("instId"):
        raise empty_param("instId")
    return [ticker_row(i, px, venue.now_ms()) for i, px in _priced(venue, params)]


def server_time(venue: OkxVenue, _key: str | None, _params: Params) -> list[Any]:
    return [{"ts": str(venue.now_ms())}]


def currencies(_venue: OkxVenue, _key: str | None, params: Params) -> list[Any]:
    wanted = listed(params, "ccy")
    return [r for r in currency_rows() if wanted is None or r["ccy"] in wanted]


def account_config(venue: OkxVenue, key: str | None, _params: Params) -> list[Any]:
    return [config_row(venue.book(key or ""), venue.uid(key or ""))]


def balance(venue: OkxVenue, key: str | None, params: Params) -> list[Any]:
    return balance_data(venue.figures(key or ""), venue.now_ms(), listed(params, "ccy"))


def positions(venue: OkxVenue, key: str | None, params: Params) -> list[Any]:
    kind = inst_type(params, required=False)
    if kind is not None and kind != "SWAP":
        return []
    ids, pos_ids = listed(params, "instId"), listed(params, "posId")
    if ids is not None and not ids <= {i.inst_id for i in venue.instruments}:
        raise NO_INSTRUMENT
    return [
        row
        for row in positions_data(venue.figures(key or ""))
        if (ids is None or row["instId"] in ids) and (pos_ids is None or row["posId"] in pos_ids)
    ]


def trade_fee(venue: OkxVenue, key: str | None, params: Params) -> list[Any]:
    inst_type(params)
    family = params.get("instFamily") or params.get("uly")
    settle = None
    if family:
        settle = family.split("-")[-1]
        if family not in {i.inst_family for i in venue.instruments}:
            raise bad_param("instFamily")
    return [fee_row(venue.book(key or ""), settle, venue.now_ms())]


ROUTES: dict[str, Route] = {
    "/api/v5/public/instruments": Route(instruments, False),
    "/api/v5/public/position-tiers": Route(position_tiers, False),
    "/api/v5/public/mark-price": Route(mark_price, False),
    "/api/v5/public/time": Route(server_time, False),
    "/api/v5/market/tickers": Route(tickers, False),
    "/api/v5/market/ticker": Route(ticker, False),
    "/api/v5/asset/currencies": Route(currencies, True),
    "/api/v5/account/config": Route(account_config, True),
    "/api/v5/account/balance": Route(balance, True),
    "/api/v5/account/positions": Route(positions, True),
    "/api/v5/account/trade-fee": Route(trade_fee, True),
}
