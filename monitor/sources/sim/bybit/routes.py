"""Which path answers what. Private routes need a signed request (auth.check_signed).

Served (GET): market/instruments-info, market/tickers, market/risk-limit, market/time,
spot-margin-trade/collateral (public, "Does not need authentication"); position/list,
account/wallet-balance, account/fee-rate, account/info, asset/coin/query-info (ccxt's
fetch_currencies when keys are set), user/query-api (ccxt's UTA detection when
enableUnifiedAccount is not preset).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from monitor.sources.sim.bybit import market_data
from monitor.sources.sim.bybit.account_data import empty_row, position_row, wallet_row
from monitor.sources.sim.bybit.auth import BybitError
from monitor.sources.sim.bybit.market_data import category_of
from monitor.sources.sim.bybit.markets import SPOT_PAIRS

if TYPE_CHECKING:
    from monitor.sources.sim.bybit.venue import BybitVenue

Params = dict[str, str]
Handler = Callable[["BybitVenue", str | None, Params], Any]

SPOT_TAKER = SPOT_MAKER = 0.001  # Bybit's base spot rate (0.1 %)
UNIFIED_MARGIN_STATUS = 5  # docs/v5/enum: 5 = Unified trading account 2.0
COINS = ("USDT", "USDC", "BTC", "ETH", "SOL")


@dataclass(frozen=True)
class Route:
    handler: Handler
    private: bool


def _instruments(venue: BybitVenue, _key: str | None, params: Params) -> Any:
    return market_data.instruments(venue.markets, params)


def _tickers(venue: BybitVenue, _key: str | None, params: Params) -> Any:
    marks = venue.marks
    return market_data.tickers(
        venue.markets, marks, venue.spot_prices(marks), params, venue.now_ms()
    )


def _risk_limit(venue: BybitVenue, _key: str | None, params: Params) -> Any:
    return market_data.risk_limits(venue.markets, params)


def _collateral(_venue: BybitVenue, _key: str | None, params: Params) -> Any:
    return market_data.collateral_ratios(params)


def _time(venue: BybitVenue, _key: str | None, _params: Params) -> Any:
    return market_data.server_time(venue.now_ms())


def _limit(params: Params) -> int:
    try:
        limit = int(params.get("limit", "20"))
    except ValueError:
        raise BybitError(10001, "params error: limit") from None
    if not 1 <= limit <= 200:
        raise BybitError(10001, "params error: limit must be in [1, 200]")
    return limit


def _offset(cursor: str) -> int:
    """Cursors look like Bybit's ("LTCUSDT%2C1699948800031%2C0"); the last part is ours."""
    text = cursor
    while "%" in text and unquote(text) != text:
        text = unquote(text)
    try:
        return int(text.rsplit(",", 1)[-1])
    except ValueError:
        raise BybitError(10001, "params error: cursor invalid") from None


def _positions(venue: BybitVenue, key: str | None, params: Params) -> Any:
    category = category_of(params, ("linear", "inverse", "option"))
    symbol, settle = params.get("symbol"), params.get("settleCoin")
    limit, offset = _limit(params), _offset(params.get("cursor") or "0")
    view = venue.view(key)
    rows: list[dict[str, Any]] = []
    if category == "linear":
        if symbol is None and settle is None:
            raise BybitError(10001, "params error: symbol or settleCoin is required")
        if symbol is not None and symbol not in venue.market_by_id:
            raise BybitError(10001, "params error: symbol invalid")
        for i, s in enumerate(view.state.positions):
            # docs: "symbol has a higher priority" than settleCoin
            wanted = s.market.id == symbol if symbol is not None else s.market.settle == settle
            if wanted:
                liq = view.liquidation[(s.market.id, s.position.position_idx)]
                rows.append(position_row(s, liq, view.book.taker_fee, view.now_ms, 1000 + i))
        if symbol is not None and not rows:
            rows.append(empty_row(venue.market_by_id[symbol], view.marks[symbol], -1))
    page = rows[offset : offset + limit]
    cursor = ""
    if page:
        cursor = f"{page[-1]['symbol']}%2C{view.now_ms}%2C{offset + len(page)}"
    return {"category": category, "list": page, "nextPageCursor": cursor}


def _wallet(venue: BybitVenue, key: str | None, params: Params) -> Any:
    if params.get("accountType") != "UNIFIED":
        raise BybitError(10001, "accountType only support UNIFIED.")
    wanted = set(params["coin"].split(",")) if params.get("coin") else None
    view = venue.view(key)
    return {"list": [wallet_row(view.book, view.state, view.marks, wanted)]}


def _fee_rate(venue: BybitVenue, key: str | None, params: Params) -> Any:
    category = category_of(params, ("spot", "linear", "inverse", "option"))
    symbol = params.get("symbol")
    book = venue.view(key).book
    if category == "spot":
        ids = [p[0] for p in SPOT_PAIRS]
        taker, maker = SPOT_TAKER, SPOT_MAKER
    else:
        ids = [m.id for m in venue.markets] if category == "linear" else []
        taker, maker = book.taker_fee, book.maker_fee
    if symbol is not None:
        if symbol not in ids:
            raise BybitError(10001, "params error: symbol invalid")
        ids = [symbol]
    rows = [{"symbol": i, "takerFeeRate": str(taker), "makerFeeRate": str(maker)} for i in ids]
    # docs: "category … spot, option. Derivatives does not have this field"
    return {"category": category, "list": rows} if category == "spot" else {"list": rows}


def _account_info(venue: BybitVenue, key: str | None, _params: Params) -> Any:
    return {
        "marginMode": venue.view(key).book.margin_mode,
        "updatedTime": "1717000000000",
        "unifiedMarginStatus": UNIFIED_MARGIN_STATUS,
        "dcpStatus": "OFF",
        "timeWindow": 0,
        "smpGroup": 0,
        "isMasterTrader": False,
        "spotHedgingStatus": "OFF",
    }


def _coin_info(_venue: BybitVenue, _key: str | None, params: Params) -> Any:
    wanted = params.get("coin")
    rows = [
        {
            "name": coin,
            "coin": coin,
            "remainAmount": "1000000",
            "chains": [
                {
                    "chainType": coin,
                    "confirmation": "12",
                    "withdrawFee": "1" if coin in ("USDT", "USDC") else "0.001",
                    "depositMin": "0",
                    "withdrawMin": "10" if coin in ("USDT", "USDC") else "0.001",
                    "chain": coin,
                    "chainDeposit": "1",
                    "chainWithdraw": "1",
                    "minAccuracy": "8",
                    "withdrawPercentageFee": "0",
                }
            ],
        }
        for coin in COINS
        if wanted in (None, coin)
    ]
    return {"rows": rows}


def _query_api(venue: BybitVenue, key: str | None, _params: Params) -> Any:
    return {
        "id": "1",
        "note": "simulated venue",
        "apiKey": key,
        "readOnly": 1,
        "secret": "",
        "permissions": {"ContractTrade": [], "Spot": [], "Wallet": ["AccountTransfer"]},
        "ips": ["*"],
        "type": 1,
        "deadlineDay": -1,
        "expiredAt": "",
        "createdAt": "2024-05-29T16:26:40Z",
        "unified": 0,
        "uta": 1,
        "userID": venue.user_id(key),
        "inviterID": 0,
        "vipLevel": "No VIP",
        "mktMakerLevel": "0",
        "affiliateID": 0,
        "rsaPublicKey": "",
        "isMaster": True,
    }


ROUTES: dict[str, Route] = {
    "/v5/market/instruments-info": Route(_instruments, False),
    "/v5/market/tickers": Route(_tickers, False),
    "/v5/market/risk-limit": Route(_risk_limit, False),
    "/v5/market/time": Route(_time, False),
    "/v5/spot-margin-trade/collateral": Route(_collateral, False),
    "/v5/position/list": Route(_positions, True),
    "/v5/account/wallet-balance": Route(_wallet, True),
    "/v5/account/fee-rate": Route(_fee_rate, True),
    "/v5/account/info": Route(_account_info, True),
    "/v5/asset/coin/query-info": Route(_coin_info, True),
    "/v5/user/query-api": Route(_query_api, True),
}

NOT_FOUND = BybitError(10017, "Route not found.", status=404)
