"""What the readers read, per venue: the only ccxt calls a guarded exchange lets through.

An endpoint is (api, HTTP method, path) as ccxt's fetch2 sees it: the api name joined with "/"
(ccxt passes ["public", "futures"] for Gate's public futures API) and the path template before
its parameters are filled in. Everything else — every other implicit endpoint, GET or not — is
refused before a request is built: dYdX broadcasts signed transactions by GET (nodeRpc
broadcast_tx_sync), so "GET means read" does not hold.

Derived from the readers (reader.py, bybit_unified.py, okx.py, public.py, account_stream.py,
stream.py), from the ccxt code paths their calls take with the options build.py sets, and from
the fetch2 calls recorded while tests/sources, tests/agreement and tests/service run. A path
that only some accounts take (Gate's and Bitget's unified accounts, ccxt's currency list when
keys are set) is listed with the reason.
"""

from __future__ import annotations

Endpoint = tuple[str, str, str]  # (api, HTTP method, path template)

# Unified methods the readers call, and the ones ccxt calls inside them.
# load_markets (not in `has`) calls fetch_markets and fetch_currencies.
_MARKETS = ("fetch_markets", "fetch_currencies")
# market_history.py: the venue's mark candles and funding (issue 15), read on every venue it
# names; Binance's interval from fundingInfo.
_HISTORY = ("fetch_ohlcv", "fetch_funding_rates")
_BINANCE_METHODS = (
    *_MARKETS,
    *_HISTORY,
    "fetch_funding_intervals",
    "fetch_positions",
    "fetch_positions_risk",  # fetch_positions goes through it (options.fetchPositions)
    "fetch_balance",
    "fetch_leverage_tiers",
    "fetch_mark_prices",  # public.py: the venue has fetchMarkPrices
)
_CONTRACT_METHODS = (
    *_MARKETS,
    "fetch_positions",
    "fetch_balance",
    # Gate's ccxt refuses it without a type, Bitget's does not have it: both raise before any
    # request (reader.py calls it for every venue with tiers).
    "fetch_leverage_tiers",
    "fetch_tickers",  # public.py and bybit_unified.collateral_prices
)

READ_METHODS: dict[str, frozenset[str]] = {
    "binanceusdm": frozenset(_BINANCE_METHODS),
    "binancecoinm": frozenset(_BINANCE_METHODS),
    "bybit": frozenset({*_CONTRACT_METHODS, *_HISTORY}),
    "okx": frozenset(
        {*_MARKETS, *_HISTORY, "fetch_positions", "fetch_balance", "fetch_mark_prices"}
    ),
    # The state is read by publicPostInfo; fetch_tickers gives public.py its marks.
    "hyperliquid": frozenset({*_MARKETS, "fetch_tickers"}),
    "gate": frozenset(_CONTRACT_METHODS),
    "bitget": frozenset(_CONTRACT_METHODS),
    # fetch_tickers: public.py asks; dYdX's ccxt raises NotSupported before any request.
    "dydx": frozenset({*_MARKETS, "fetch_positions", "fetch_balance", "fetch_tickers"}),
}

# The streaming instances (ccxt.pro) of stream.py and account_stream.py, on top of the above.
STREAM_METHODS: dict[str, frozenset[str]] = {
    "binanceusdm": frozenset({"watch_balance", "watch_mark_prices"}),
    "bybit": frozenset({"watch_balance", "watch_tickers"}),
    "okx": frozenset({"watch_balance", "watch_mark_prices"}),
}


def _get(api: str, *paths: str) -> set[Endpoint]:
    return {(api, "GET", path) for path in paths}


# With keys, ccxt binance's load_markets -> fetch_currencies reads the wallet's coin list (and,
# with the default fetchMargins, the margin pairs); without keys, or pointed at another host
# (sim/client.py turns it off), it does not.
_BINANCE_CURRENCIES = _get("sapi", "capital/config/getall", "margin/allPairs")

ENDPOINTS: dict[str, frozenset[Endpoint]] = {
    "binanceusdm": frozenset(
        _get("fapiPublic", "exchangeInfo", "premiumIndex", "assetIndex")
        | _get("fapiPublic", "markPriceKlines", "fundingInfo")  # market_history.py
        | _get("fapiPrivate", "leverageBracket", "multiAssetsMargin")
        # v2 account: the reader's fallback for the multi-assets flag
        | _get("fapiPrivateV2", "account")
        | _get("fapiPrivateV3", "account", "positionRisk")
        | _BINANCE_CURRENCIES
    ),
    "binancecoinm": frozenset(
        _get("dapiPublic", "exchangeInfo", "premiumIndex")
        | _get("dapiPublic", "markPriceKlines", "fundingInfo")  # market_history.py
        | _get("dapiPrivate", "account", "positionRisk")
        | _get("dapiPrivateV2", "leverageBracket")
        | _BINANCE_CURRENCIES
    ),
    "bybit": frozenset(
        _get(
            "public",
            "v5/market/instruments-info",
            "v5/market/tickers",
            "v5/market/risk-limit",
            "v5/spot-margin-trade/collateral",
            "v5/market/mark-price-kline",  # market_history.py (funding: v5/market/tickers)
        )
        | _get(
            "private",
            "v5/asset/coin/query-info",  # fetch_currencies, with keys
            "v5/position/list",
            "v5/account/wallet-balance",
            "v5/account/info",
            "v5/account/fee-rate",
        )
    ),
    "okx": frozenset(
        _get("public", "public/instruments", "public/mark-price", "public/position-tiers")
        # market_history.py: mark candles (recent, and older through history-) and funding
        | _get(
            "public",
            "market/mark-price-candles",
            "market/history-mark-price-candles",
            "public/funding-rate",
        )
        | _get(
            "private",
            "asset/currencies",  # fetch_currencies, with keys
            "account/positions",
            "account/balance",
            "account/config",
            "account/trade-fee",
        )
    ),
    # Every read is a POST to /info; /exchange (every signed action) is not listed.
    "hyperliquid": frozenset({("public", "POST", "info")}),
    "gate": frozenset(
        _get("public/spot", "currency_pairs", "currencies")
        | _get("public/margin", "currency_pairs")
        | _get("public/futures", "{settle}/contracts", "{settle}/tickers")
        | _get("public/delivery", "{settle}/contracts")
        | _get("public/options", "underlyings", "contracts")
        # account/detail: ccxt asks whether the account is unified (keys set); a unified
        # account's balance is then read from unified/accounts instead of futures/accounts.
        | _get("private/account", "detail")
        | _get("private/futures", "{settle}/positions", "{settle}/accounts")
        | _get("private/unified", "accounts")
    ),
    "bitget": frozenset(
        _get("public/spot", "v2/spot/public/symbols", "v2/spot/public/coins")
        | _get("public/margin", "v2/margin/currencies")
        | _get("public/mix", "v2/mix/market/contracts", "v2/mix/market/tickers")
        | _get("private/mix", "v2/mix/position/all-position", "v2/mix/account/accounts")
        # v3 account/settings: ccxt asks whether the account is a unified (UTA) one (keys
        # set); a UTA account is then read through the uta routes instead of mix/spot.
        | _get("private/uta", "v3/account/settings")
        | _get("public/uta", "v3/market/instruments", "v3/market/tickers")
        | _get("private/uta", "v3/position/current-position", "v3/account/assets")
    ),
    "dydx": frozenset(
        _get(
            "indexer",
            "perpetualMarkets",
            "perpetualPositions",
            "addresses/{address}/subaccountNumber/{subaccountNumber}",
        )
    ),
}

# The streaming instances' REST calls beyond the above. Binance's user data stream opens with
# a listenKey (POST) that ccxt.pro keeps alive (PUT) — session keys for the stream, not
# account writes; Bybit and OKX sign a websocket login instead.
STREAM_ENDPOINTS: dict[str, frozenset[Endpoint]] = {
    "binanceusdm": frozenset(
        {("fapiPrivate", "POST", "listenKey"), ("fapiPrivate", "PUT", "listenKey")}
    ),
}


def read_methods(venue: str, streaming: bool) -> frozenset[str]:
    extra = STREAM_METHODS.get(venue, frozenset()) if streaming else frozenset()
    return READ_METHODS.get(venue, frozenset()) | extra


def endpoints(venue: str, streaming: bool) -> frozenset[Endpoint]:
    extra = STREAM_ENDPOINTS.get(venue, frozenset()) if streaming else frozenset()
    return ENDPOINTS.get(venue, frozenset()) | extra
