"""Which Binance USDⓈ-M endpoints the venue serves, and the body each one returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.sources.sim import account_data, history, market_data, position_data
from monitor.sources.sim.auth import INVALID_KEY, ApiError
from monitor.sources.sim.faults import FaultKind
from monitor.sources.sim.markets import SimMarket

if TYPE_CHECKING:
    from monitor.sources.sim.venue import SimVenue

Params = Mapping[str, str]
Handler = Callable[["SimVenue", str | None, Params], Any]

INVALID_SYMBOL = ApiError(400, -1121, "Invalid symbol.")


@dataclass(frozen=True)
class Route:
    private: bool  # needs X-MBX-APIKEY and a valid signature
    handler: Handler


def _symbol(venue: SimVenue, params: Params) -> SimMarket | None:
    if "symbol" not in params:
        return None
    for m in venue.markets:
        if m.id == params["symbol"]:
            return m
    raise INVALID_SYMBOL


def _time(venue: SimVenue, key: str | None, _params: Params) -> Any:
    skew = venue.faults.value(FaultKind.CLOCK_SKEW, key)  # a clock_skew fault: the venue's time
    return {"serverTime": venue.now_ms() + round(skew * 1000)}


def _exchange_info(venue: SimVenue, _key: str | None, _params: Params) -> Any:
    return market_data.exchange_info(venue.markets, venue.now_ms())


def _premium_index(venue: SimVenue, _key: str | None, params: Params) -> Any:
    one = _symbol(venue, params)
    marks, now = venue.marks(), venue.now_ms()
    bodies = [
        market_data.premium_index(m, marks[m.id], now, venue.history.funding(m.id))
        for m in venue.markets
    ]
    return bodies if one is None else bodies[venue.markets.index(one)]


INVALID_INTERVAL = ApiError(400, -1120, "Invalid interval.")


def _klines(venue: SimVenue, _key: str | None, params: Params) -> Any:
    """GET /fapi/v1/markPriceKlines, /fapi/v1/klines: 1-minute candles only."""
    market = _symbol(venue, params)
    if market is None:
        raise ApiError(400, -1102, "Mandatory parameter 'symbol' was not sent.")
    if params.get("interval") != "1m":
        raise INVALID_INTERVAL
    start, end = params.get("startTime"), params.get("endTime")
    limit = min(int(params.get("limit", "500")), history.MAX_LIMIT)
    return venue.history.klines(
        market.id, None if start is None else int(start), None if end is None else int(end), limit
    )


def _funding_info(venue: SimVenue, _key: str | None, _params: Params) -> Any:
    """GET /fapi/v1/fundingInfo: only the markets with an adjusted interval."""
    return [
        {
            "symbol": market_id,
            "adjustedFundingRateCap": "0.02000000",
            "adjustedFundingRateFloor": "-0.02000000",
            "fundingIntervalHours": hours,
            "disclaimer": False,
        }
        for market_id, hours in venue.history.adjusted_intervals().items()
    ]


def _leverage_bracket(venue: SimVenue, key: str | None, params: Params) -> Any:
    one = _symbol(venue, params)
    left_out = None
    if venue.faults.active(FaultKind.NO_TIERS, key):
        index = int(venue.faults.value(FaultKind.NO_TIERS, key))
        left_out = venue.account_figures(key).positions[index].market
    if one is not None:
        if one is left_out:
            raise INVALID_SYMBOL
        return market_data.leverage_brackets(one)
    return [market_data.leverage_brackets(m) for m in venue.markets if m is not left_out]


def _asset_index(venue: SimVenue, _key: str | None, params: Params) -> Any:
    rows, now = venue.asset_indexes(), venue.now_ms()
    bodies = [market_data.asset_index(row, now) for row in rows.values()]
    if "symbol" not in params:
        return bodies
    for body in bodies:
        if body["symbol"] == params["symbol"]:
            return body
    raise INVALID_SYMBOL


def _position_risk(version: int) -> Handler:
    def handler(venue: SimVenue, key: str | None, params: Params) -> Any:
        one = _symbol(venue, params)
        figs, now = venue.account_figures(key), venue.now_ms()
        held = [f for f in figs.positions if one is None or f.market is one]
        if version == 3:  # v3 lists open positions only
            rows = [position_data.position_risk_v3(f, now) for f in held]
            if venue.faults.active(FaultKind.ZERO_MARK, key):
                zeroed = figs.positions[int(venue.faults.value(FaultKind.ZERO_MARK, key))]
                rows = [
                    {**row, "markPrice": "0.00000000"} if f is zeroed else row
                    for f, row in zip(held, rows, strict=True)
                ]
            return rows
        by_leg = {(f.market.id, f.source.side): f for f in held}
        wanted = venue.markets if one is None else (one,)
        return [
            position_data.position_risk_v2(by_leg[(m.id, side)], now)
            if (m.id, side) in by_leg
            else position_data.closed_position_risk_v2(m, side)
            for m in wanted
            for side in position_data.position_sides(figs.book.hedge)
        ]

    return handler


def _account(version: int) -> Handler:
    def handler(venue: SimVenue, key: str | None, _params: Params) -> Any:
        figs = venue.account_figures(key)
        if version == 3:
            return account_data.account_v3(figs, venue.now_ms())
        return account_data.account_v2(figs, venue.markets, venue.now_ms())

    return handler


def _balance(venue: SimVenue, key: str | None, _params: Params) -> Any:
    return account_data.balance(venue.account_figures(key), venue.now_ms())


def _position_mode(venue: SimVenue, key: str | None, _params: Params) -> Any:
    """GET /fapi/v1/positionSide/dual: "true": Hedge Mode; "false": One-way Mode."""
    return {"dualSidePosition": venue.account_book(key).hedge}


def _asset_mode(venue: SimVenue, key: str | None, _params: Params) -> Any:
    """GET /fapi/v1/multiAssetsMargin: "true": Multi-Assets Mode; "false": Single-Asset Mode."""
    return {"multiAssetsMargin": venue.account_book(key).multi_assets}


def _listen_key(venue: SimVenue, key: str | None, _params: Params) -> Any:
    """POST /fapi/v1/listenKey ("Start User Data Stream", USER_STREAM: the API key, no
    signature): the account's active key, its validity extended (listen_keys.py)."""
    if key is None or key not in venue.secrets():
        raise INVALID_KEY
    return {"listenKey": venue.listen_keys.open(key)}


ROUTES: dict[str, Route] = {
    "/fapi/v1/time": Route(False, _time),
    "/fapi/v1/ping": Route(False, lambda _v, _k, _p: {}),
    "/fapi/v1/exchangeInfo": Route(False, _exchange_info),
    "/fapi/v1/premiumIndex": Route(False, _premium_index),
    "/fapi/v1/assetIndex": Route(False, _asset_index),
    "/fapi/v1/markPriceKlines": Route(False, _klines),
    "/fapi/v1/klines": Route(False, _klines),
    "/fapi/v1/fundingInfo": Route(False, _funding_info),
    "/fapi/v1/leverageBracket": Route(True, _leverage_bracket),
    "/fapi/v1/positionSide/dual": Route(True, _position_mode),
    "/fapi/v1/multiAssetsMargin": Route(True, _asset_mode),
    "/fapi/v2/positionRisk": Route(True, _position_risk(2)),
    "/fapi/v3/positionRisk": Route(True, _position_risk(3)),
    "/fapi/v2/account": Route(True, _account(2)),
    "/fapi/v3/account": Route(True, _account(3)),
    "/fapi/v2/balance": Route(True, _balance),
    "/fapi/v3/balance": Route(True, _balance),
    "/fapi/v1/listenKey": Route(False, _listen_key),  # keyed in the handler, never signed
}


def not_served(path: str) -> ApiError:
    if path.startswith("/unsupported/"):
        api = path.split("/")[2]
        return ApiError(
            404,
            -5000,
            f"The simulated venue serves Binance USDⓈ-M (fapi) reads only; "
            f"ccxt's {api!r} API is not served",
        )
    served = ", ".join(ROUTES)
    return ApiError(404, -5000, f"Path {path} is not served by the simulated venue ({served})")
