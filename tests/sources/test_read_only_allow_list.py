"""The read-only fence is an allow-list, per venue: of ccxt's unified methods only the reads the
readers make, of its implicit endpoints only the ones they reach — GET or not (dYdX broadcasts
signed transactions by GET). Everything else raises ReadOnlyViolation before a request leaves.

Every exchange instance the app builds is walked: the REST reader's (build_exchange), and the
ccxt.pro instances of the account and mark streams (AccountEvents, MarkStream).
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from ccxt.base.types import Entry

from monitor.contracts import Credentials, ExchangeSettings
from monitor.sources.exchange.account_stream import USER_STREAMING, AccountEvents
from monitor.sources.exchange.build import SUPPORTED, build_exchange
from monitor.sources.exchange.errors import ReadOnlyViolation
from monitor.sources.exchange.readonly import EXTRA_WRITE_METHODS
from monitor.sources.exchange.readonly_endpoints import (
    ENDPOINTS,
    READ_METHODS,
    STREAM_ENDPOINTS,
    STREAM_METHODS,
    Endpoint,
    endpoints,
    read_methods,
)
from monitor.sources.exchange.stream import STREAMING, MarkStream

KEYS = Credentials("KEY-7f3a", "SECRET-9c1e", "PASS-42d0")
WALLETS = {"dydx": "dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art"}


@dataclass(frozen=True)
class Case:
    kind: str  # "rest", "account-stream" or "mark-stream"
    venue: str

    @property
    def streaming(self) -> bool:
        return self.kind != "rest"

    def build(self) -> Any:
        """The exchange instance, built the way the app builds it."""
        if self.kind == "rest":
            wallet = WALLETS.get(self.venue, "0x" + "1" * 40)
            settings = ExchangeSettings(self.venue, wallet_address=wallet)
            return build_exchange(settings, KEYS, enable_rate_limit=False)
        if self.kind == "account-stream":
            return AccountEvents(ExchangeSettings(self.venue), KEYS, None).exchange
        return MarkStream(ExchangeSettings(self.venue), None).exchange


REST = [Case("rest", v) for v in SUPPORTED]
STREAMS = [Case("account-stream", v) for v in USER_STREAMING] + [
    Case("mark-stream", v) for v in STREAMING
]
WITH_KEYS = REST + [c for c in STREAMS if c.kind == "account-stream"]


def ids(case: Case) -> str:
    return f"{case.kind}-{case.venue}"


def recorder(exchange: Any, answer: Any = None) -> list[tuple[str, str]]:
    sent: list[tuple[str, str]] = []

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        sent.append((method, url))
        return answer

    exchange.fetch = fetch
    return sent


def socket_recorder(exchange: Any) -> list[str]:
    """Every websocket the instance opens goes through ccxt.pro's `client(url)`: record the
    URL and connect nowhere."""
    opened: list[str] = []

    def client(url: str) -> Any:
        opened.append(url)
        raise ConnectionError("no websocket in this test")

    exchange.client = client
    return opened


def run(case: Case, work: Callable[[Any, list[tuple[str, str]]], Any], answer: Any = None) -> Any:
    """`work`'s result, the HTTP requests sent and the websockets opened."""

    async def go() -> Any:
        exchange = case.build()
        exchange.enableRateLimit = False  # the streams' instances throttle; nothing to pace here
        sent, opened = recorder(exchange, answer), socket_recorder(exchange)
        try:
            return await work(exchange, sent), sent, opened
        finally:
            await exchange.close()

    return asyncio.run(go())


def implicit_endpoints(cls: type) -> dict[Endpoint, str]:
    """(api, method, path) -> the name of one attribute calling it, for every implicit endpoint
    ccxt generates for `cls` (privateGetXxx, publicPostYyy, ...)."""
    found: dict[Endpoint, str] = {}
    for name in dir(cls):
        entry = inspect.getattr_static(cls, name, None)
        if isinstance(entry, Entry):
            api = "/".join(entry.api) if isinstance(entry.api, list | tuple) else str(entry.api)
            found.setdefault((api, str(entry.method).upper(), entry.path), name)
    return found


WRITE_WS = ("create", "cancel", "edit", "withdraw", "transfer")


def unified_names(exchange: Any, reads: frozenset[str]) -> list[str]:
    """Every attribute (snake and camel case) behind a key of `exchange.has`, the write
    websocket methods `has` leaves out (create_orders_ws, withdraw_ws) and the signing
    helpers; the reads left out."""
    keys = {k.lower() for k in exchange.has}
    allowed = {r.replace("_", "") for r in reads}
    cls = type(exchange)
    return [
        name
        for name in dir(cls)
        if not name.startswith("_")
        and (flat := name.replace("_", "").lower()) not in allowed
        and (
            flat in keys
            or (flat.endswith("ws") and name.startswith(WRITE_WS))
            or name in EXTRA_WRITE_METHODS
        )
        and callable(getattr(cls, name, None))
        and not isinstance(inspect.getattr_static(cls, name, None), Entry)
    ]


async def refused(call: Callable[[], Any]) -> ReadOnlyViolation | None:
    """The ReadOnlyViolation `call` raises, or None when it does anything else."""
    try:
        result = call()
        if inspect.isawaitable(result):
            await asyncio.wait_for(result, 10)
    except ReadOnlyViolation as exc:
        return exc
    except Exception:
        return None
    return None


def test_every_app_venue_has_an_allow_list() -> None:
    assert set(READ_METHODS) == set(ENDPOINTS) == set(SUPPORTED)
    assert set(STREAM_METHODS) | set(STREAM_ENDPOINTS) <= set(STREAMING) | set(USER_STREAMING)


@pytest.mark.parametrize("case", REST + STREAMS, ids=ids)
def test_unified_methods_off_the_read_list_are_refused_before_sending(case: Case) -> None:
    reads = read_methods(case.venue, case.streaming)

    async def work(exchange: Any, sent: list[Any]) -> tuple[list[str], list[str]]:
        names = unified_names(exchange, reads)
        through = [n for n in names if await refused(getattr(exchange, n)) is None]
        return names, through

    (names, through), sent, opened = run(case, work)
    assert len(names) > 300  # the walk reached ccxt's unified API
    ws_writes = [n for n in names if n.endswith("_ws") and n.startswith(("create", "cancel"))]
    assert {"create_order_ws", "cancel_order_ws", "edit_order_ws", "create_orders_ws"} <= set(names)
    assert len(ws_writes) > 10
    assert through == []
    assert sent == [] and opened == []


@pytest.mark.parametrize("case", REST + STREAMS, ids=ids)
def test_the_read_methods_are_left_as_ccxt_wrote_them(case: Case) -> None:
    exchange = case.build()
    try:
        reads = read_methods(case.venue, case.streaming)
        assert reads and all(callable(getattr(type(exchange), n, None)) for n in reads)
        assert sorted(n for n in reads if n in vars(exchange)) == []
    finally:
        asyncio.run(exchange.close())


@pytest.mark.parametrize("case", REST + STREAMS, ids=ids)
def test_implicit_endpoints_off_the_allow_list_are_refused_before_sending(case: Case) -> None:
    allowed = endpoints(case.venue, case.streaming)

    async def work(exchange: Any, sent: list[Any]) -> tuple[int, list[Any]]:
        walked, leaks = 0, []
        for (api, method, path), name in implicit_endpoints(type(exchange)).items():
            if (api, method, path) in allowed:
                continue
            walked += 1
            exc = await refused(partial(getattr(exchange, name), {}))
            if exc is None or not all(s in str(exc) for s in (case.venue, method, path)):
                leaks.append((name, str(exc)))
        return walked, leaks

    (walked, leaks), sent, opened = run(case, work)
    assert walked > 0
    assert leaks == []
    assert sent == [] and opened == []


def _filled(path: str) -> tuple[str, dict[str, str]]:
    params = {p: "0" for p in re.findall(r"{(\w+)}", path)}
    return re.sub(r"{\w+}", "0", path), params


@pytest.mark.parametrize("case", WITH_KEYS, ids=ids)
def test_the_allowed_endpoints_get_through(case: Case) -> None:
    allowed = sorted(endpoints(case.venue, case.streaming))

    async def work(exchange: Any, sent: list[Any]) -> list[Endpoint]:
        generated = implicit_endpoints(type(exchange))
        unknown = [e for e in allowed if e not in generated]  # a typo would allow nothing
        for endpoint in allowed:
            if endpoint in generated:
                await getattr(exchange, generated[endpoint])(_filled(endpoint[2])[1])
        return unknown

    unknown, sent, _ = run(case, work, answer={})
    assert unknown == []
    assert [m for m, _ in sent] == [method for _, method, _ in allowed]
    for (method, url), (_, _, path) in zip(sent, allowed, strict=True):
        assert url.split("?", 1)[0].endswith(_filled(path)[0]), (method, url, path)


def test_dydx_broadcast_tx_sync_a_signed_write_by_get_is_refused() -> None:
    async def work(exchange: Any, sent: list[Any]) -> list[str]:
        calls: list[Callable[[], Any]] = [
            lambda: exchange.nodeRpcGetBroadcastTxSync({"tx": "0xfeed"}),
            lambda: exchange.nodeRpcGetBroadcastTxAsync({"tx": "0xfeed"}),
            lambda: exchange.request("broadcast_tx_sync", ["nodeRpc"], "GET", {"tx": "0xfeed"}),
            lambda: exchange.fetch2("broadcast_tx_sync", ["nodeRpc"], "GET", {"tx": "0xfeed"}),
        ]
        messages = []
        for call in calls:
            exc = await refused(call)
            messages.append("" if exc is None else str(exc))
        return messages

    messages, sent, _ = run(Case("rest", "dydx"), work)
    assert sent == []
    assert all("dydx" in m and "GET" in m and "broadcast_tx_" in m for m in messages), messages
    assert not any("0xfeed" in m for m in messages)


def test_the_stream_listen_key_is_allowed_on_the_stream_alone() -> None:
    async def listen_key(exchange: Any, sent: list[Any]) -> ReadOnlyViolation | None:
        return await refused(lambda: exchange.fapiPrivatePostListenKey({}))

    rest_refusal, rest_sent, _ = run(Case("rest", "binanceusdm"), listen_key)
    stream_refusal, stream_sent, _ = run(Case("account-stream", "binanceusdm"), listen_key, {})
    assert rest_refusal is not None and rest_sent == []
    assert stream_refusal is None
    assert [(m, u.rsplit("/", 1)[-1]) for m, u in stream_sent] == [("POST", "listenKey")]


@pytest.mark.parametrize("venue", ["binanceusdm", "bybit", "okx", "gate", "bitget"])
def test_a_refusal_names_no_secret(venue: str) -> None:
    secrets = (KEYS.api_key, KEYS.secret, KEYS.password, "sig-5e11", "0xfeed")

    async def work(exchange: Any, sent: list[Any]) -> list[str]:
        params = {"signature": "sig-5e11", "apiKey": KEYS.api_key, "tx": "0xfeed"}
        calls: list[Callable[[], Any]] = [
            lambda: exchange.request("order?signature=sig-5e11", "private", "GET", params),
            lambda: exchange.request("order", ["private"], "POST", params),
            lambda: exchange.create_order("BTC/USDT:USDT", "limit", "buy", 1, 1, params),
        ]
        found = []
        for call in calls:
            exc = await refused(call)
            found.append("not refused" if exc is None else str(exc))
        return found

    messages, sent, _ = run(Case("rest", venue), work)
    assert sent == []
    assert all(venue in m for m in messages), messages
    assert [s for s in secrets for m in messages if s in m] == []


@pytest.mark.parametrize("venue", ["binanceusdm", "binancecoinm", "bybit", "okx"])
def test_market_history_reads_get_through_the_guard(venue: str) -> None:
    """market_history.py's mark candles and funding reach the network (here: the recorder)
    instead of being refused: each endpoint they take is on the allow-list."""
    symbol = "BTC/USD:BTC" if venue == "binancecoinm" else "BTC/USDT:USDT"

    async def work(exchange: Any, sent: list[Any]) -> list[ReadOnlyViolation | None]:
        exchange.markets = {}  # no market list to load: the calls go straight to their paths
        await refused(exchange.load_markets)
        exchange.set_markets([_market(venue, symbol)])
        since = exchange.milliseconds() - 7 * 86_400_000
        calls: list[Callable[[], Any]] = [
            lambda: exchange.fetch_ohlcv(symbol, "1m", since, 1000, {"price": "mark"}),
            lambda: exchange.fetch_funding_rates([symbol]),
        ]
        if venue.startswith("binance"):
            calls.append(lambda: exchange.fetch_funding_intervals([symbol]))
        return [await refused(call) for call in calls]

    refusals, sent, _ = run(Case("rest", venue), work, answer={})
    assert refusals == [None] * len(refusals)
    assert len(sent) >= len(refusals)


def _market(venue: str, symbol: str) -> dict[str, Any]:
    base, rest = symbol.split("/")
    quote, settle = rest.split(":")
    ids = {"binanceusdm": "BTCUSDT", "binancecoinm": "BTCUSD_PERP", "bybit": "BTCUSDT"}
    inverse = settle == base
    return {
        "id": ids.get(venue, "BTC-USDT-SWAP"),
        "symbol": symbol,
        "base": base,
        "quote": quote,
        "settle": settle,
        "baseId": base,
        "quoteId": quote,
        "settleId": settle,
        "type": "swap",
        "spot": False,
        "swap": True,
        "future": False,
        "option": False,
        "contract": True,
        "linear": not inverse,
        "inverse": inverse,
        "active": True,
        "contractSize": 1,
        "precision": {"amount": 0.001, "price": 0.1},
        "limits": {},
        "info": {},
    }
