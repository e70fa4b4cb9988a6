"""Faults on demand, as real ccxt experiences them, and the venue's signature checks."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import ccxt
import pytest

from monitor.sources.sim import (
    DEMO_BOOK,
    DEMO_CREDENTIALS,
    SimVenue,
    async_binanceusdm_at,
)

SimClientFactory = Callable[..., ccxt.binanceusdm]
KEY = DEMO_CREDENTIALS.api_key
POSITIONS = "/fapi/v3/positionRisk"


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def ready(client: ccxt.binanceusdm) -> ccxt.binanceusdm:
    """Load markets and brackets first, so a fault hits the call under test."""
    client.load_markets()
    client.load_leverage_brackets()
    return client


def test_wrong_secret_and_unknown_key_are_authentication_errors(
    sim_client: SimClientFactory,
) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        sim_client(secret="not-the-secret").fetch_balance()
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        sim_client(api_key="no-such-key").fetch_balance()


def test_a_stale_timestamp_is_refused(sim_venue: SimVenue) -> None:
    from monitor.sources.sim.auth import sign

    query = f"timestamp={sim_venue.now_ms() - 60_000}"
    url = f"{sim_venue.url}{POSITIONS}?{query}&signature={sign(query, DEMO_CREDENTIALS.secret)}"
    request = urllib.request.Request(url, headers={"X-MBX-APIKEY": KEY})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert json.loads(caught.value.read())["code"] == -1021


def test_auth_fault_hits_only_its_key(sim_venue: SimVenue, sim_client: SimClientFactory) -> None:
    other = sim_venue.add_book(DEMO_BOOK.scaled("other", 2.0))
    sim_venue.faults.set("auth", api_key=KEY)
    with pytest.raises(ccxt.AuthenticationError):
        ready(sim_client()).fetch_positions()
    assert len(sim_client(other.api_key, other.secret).fetch_positions()) == 6
    sim_venue.faults.clear("auth", api_key=KEY)
    assert len(sim_client().fetch_positions()) == 6


def test_rate_limit_is_ddos_protection_with_retry_after(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = ready(sim_client())
    sim_venue.faults.set("rate_limit", 3, path=POSITIONS, times=2)
    for _ in range(2):
        with pytest.raises(ccxt.DDoSProtection) as caught:
            client.fetch_positions()
        assert not isinstance(caught.value, ccxt.RateLimitExceeded)  # ccxt maps 429 to its parent
        assert client.last_response_headers["Retry-After"] == "3"
    assert len(client.fetch_positions()) == 6  # `times` ran out
    assert [r.status for r in sim_venue.requests.records(POSITIONS)] == [429, 429, 200]


def test_server_error_is_exchange_not_available(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = ready(sim_client())
    sim_venue.faults.set("server_error", 502)
    with pytest.raises(ccxt.ExchangeNotAvailable):
        client.fetch_positions()
    with pytest.raises(ccxt.ExchangeNotAvailable):
        client.fetch_mark_prices()
    assert sim_venue.requests.records(POSITIONS)[-1].status == 502


def test_malformed_json_is_silently_empty_in_ccxt(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    """ccxt 4.5.x does NOT raise on a cut-short JSON body: it hands the text to the parser,
    which finds no positions. An adapter must not read that as "no positions"."""
    client = ready(sim_client())
    sim_venue.faults.set("malformed", path=POSITIONS)
    assert client.fetch_positions() == []  # while the book holds six
    url = f"{sim_venue.url}/fapi/v1/premiumIndex"
    sim_venue.faults.set("malformed", path="/fapi/v1/premiumIndex")
    with urllib.request.urlopen(url, timeout=5) as response:
        body = response.read()
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_hang_times_out_in_ccxt_and_stop_is_prompt(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = ready(sim_client(timeout_ms=300))
    sim_venue.faults.set("hang", path=POSITIONS)
    with pytest.raises(ccxt.RequestTimeout):
        client.fetch_positions()
    assert sim_venue.requests.records(POSITIONS)[-1].status == 0  # still held by the venue
    started = time.monotonic()
    sim_venue.stop()
    assert time.monotonic() - started < 1.0


def test_clearing_a_hang_lets_the_held_request_finish(sim_venue: SimVenue) -> None:
    sim_venue.faults.set("hang", path="/fapi/v1/time")
    answers: list[int] = []

    def call() -> None:
        with urllib.request.urlopen(f"{sim_venue.url}/fapi/v1/time", timeout=10) as response:
            answers.append(response.status)

    caller = threading.Thread(target=call)
    caller.start()
    wait_for(lambda: sim_venue.requests.count("/fapi/v1/time") == 1)
    assert answers == []
    sim_venue.faults.clear("hang")
    caller.join(timeout=5)
    assert answers == [200]


def test_latency_applies_per_key(sim_venue: SimVenue, sim_client: SimClientFactory) -> None:
    other = sim_venue.add_book(DEMO_BOOK.scaled("other", 2.0))
    slow, fast = ready(sim_client()), ready(sim_client(other.api_key, other.secret))
    sim_venue.faults.set("latency", 0.3, api_key=KEY)
    started = time.monotonic()
    slow.fetch_positions()
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    fast.fetch_positions()
    assert time.monotonic() - started < 0.3


def test_liquidation_offset_moves_only_the_reported_price(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = ready(sim_client())
    honest = {p["symbol"]: p for p in client.fetch_positions()}
    sim_venue.faults.set("liquidation_offset", 0.02, api_key=KEY)
    skewed = {p["symbol"]: p for p in client.fetch_positions()}
    for symbol, was in honest.items():
        now = skewed[symbol]
        # Quotes carry 8 decimals, hence the absolute slack.
        assert now["liquidationPrice"] == pytest.approx(
            was["liquidationPrice"] * 1.02, rel=1e-8, abs=2e-8
        )
        assert now["info"]["maintMargin"] == was["info"]["maintMargin"]
        assert now["unrealizedPnl"] == was["unrealizedPnl"]
    # The venue's own figures are untouched: only what it serves is skewed.
    for position in sim_venue.reported(KEY).positions:
        assert position.liquidation_price is not None
        assert skewed[position.symbol]["liquidationPrice"] == pytest.approx(
            position.liquidation_price * 1.02, rel=1e-8, abs=2e-8
        )
        assert honest[position.symbol]["liquidationPrice"] == pytest.approx(
            position.liquidation_price, rel=1e-8, abs=1e-8
        )


def test_twenty_accounts_are_served_concurrently(sim_venue: SimVenue) -> None:
    latency = 0.2
    keys = [sim_venue.add_book(DEMO_BOOK.scaled(f"acct{i}", 1 + i / 10)) for i in range(20)]

    async def run() -> float:
        clients = [
            async_binanceusdm_at(sim_venue.url, k.api_key, k.secret, enable_rate_limit=False)
            for k in keys
        ]
        try:
            await asyncio.gather(*(c.load_markets() for c in clients))
            sim_venue.faults.set("latency", latency)
            started = time.monotonic()
            balances = await asyncio.gather(*(c.fetch_balance() for c in clients))
            elapsed = time.monotonic() - started
        finally:
            await asyncio.gather(*(c.close() for c in clients))
        totals = [b["USDT"]["total"] for b in balances]
        assert len(set(totals)) == 20  # each key got its own book
        return elapsed

    elapsed = asyncio.run(run())
    assert latency <= elapsed < 5 * latency  # serial would take 20 x latency
    assert sim_venue.requests.count("/fapi/v3/account") == 20


def test_bad_fault_settings_are_clear_errors(sim_venue: SimVenue) -> None:
    with pytest.raises(ValueError, match="unknown fault 'slow'"):
        sim_venue.faults.set("slow", 1)
    with pytest.raises(ValueError, match="needs a value"):
        sim_venue.faults.set("latency")
    with pytest.raises(ValueError, match="500 to 599"):
        sim_venue.faults.set("server_error", 404)


def test_permission_fault_refuses_signed_reads_only(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    """A key that may not read: Binance's 401 -1002 on signed endpoints, public data served."""
    client = ready(sim_client())
    sim_venue.faults.set("permission", api_key=KEY)
    with pytest.raises(ccxt.BaseError, match="-1002"):
        client.fetch_positions()
    assert client.fetch_time() > 0  # public: answered
    sim_venue.faults.clear("permission")
    assert len(client.fetch_positions()) == 6


def test_clock_skew_fault_moves_the_venues_clock(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    """The venue 30 s ahead: its /time says so, and a signed request stamped now is outside
    Binance's default 5 s recvWindow (-1021, ccxt's InvalidNonce)."""
    client = ready(sim_client())
    sim_venue.faults.set("clock_skew", 30.0)
    before = time.time() * 1000
    served = client.fetch_time()
    assert before + 29_000 <= served <= time.time() * 1000 + 31_000
    with pytest.raises(ccxt.InvalidNonce, match="-1021"):
        client.fetch_positions()
    sim_venue.faults.clear("clock_skew")
    assert len(client.fetch_positions()) == 6


def test_maintenance_fault_is_ccxts_on_maintenance(
    sim_venue: SimVenue, sim_client: SimClientFactory
) -> None:
    client = ready(sim_client())
    sim_venue.faults.set("maintenance", times=1)
    with pytest.raises(ccxt.OnMaintenance):
        client.fetch_positions()
    assert len(client.fetch_positions()) == 6  # the one answer spent
