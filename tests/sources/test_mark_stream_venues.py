"""The app's MarkStream on Bybit and OKX: real ccxt.pro over a real websocket to the simulated
venues on 127.0.0.1 (REST pointed at the venue with api_url, the stream with ws_url).

Expected marks are the ones the tests set on the venues. An account may hold USDT- and
USDC-settled perpetuals at once: both are asked for together, as the service does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from monitor.contracts import ExchangeSettings
from monitor.sources.exchange.errors import NotSupported
from monitor.sources.exchange.stream import STREAMING, MarkStream, heartbeat_for, streams_marks
from monitor.sources.sim.bybit import BybitVenue
from monitor.sources.sim.bybit.stream_session import PERIOD_S as BYBIT_CADENCE_S
from monitor.sources.sim.okx import OkxVenue
from monitor.sources.sim.okx.stream_session import IDLE_PERIOD_S as OKX_IDLE_S

BTC, BTC_USDC, ETH = "BTC/USDT:USDT", "BTC/USDC:USDC", "ETH/USDT:USDT"
MARKS = {BTC: 64_000.5, BTC_USDC: 64_010.5, ETH: 3_100.5}
HELD = [BTC, BTC_USDC]
QUIET_WINDOW_S = 2.5  # a live stream brings a move within 0.1 s (Bybit) / 0.2 s (OKX)
Venue = BybitVenue | OkxVenue


def bybit() -> BybitVenue:
    return BybitVenue(marks=MARKS)


def okx() -> OkxVenue:
    return OkxVenue(MARKS)


@pytest.fixture(params=["bybit", "okx"])
def venue(request: pytest.FixtureRequest) -> Iterator[tuple[str, Venue]]:
    v = bybit() if request.param == "bybit" else okx()
    v.start()
    v.start_stream()
    yield request.param, v
    v.stop()


def streaming(venue: tuple[str, Venue], work: Callable[[MarkStream, Venue], Awaitable[Any]]) -> Any:
    exchange_id, v = venue

    async def run() -> Any:
        stream = MarkStream(ExchangeSettings(exchange_id, api_url=v.url), v.ws_url)
        try:
            return await asyncio.wait_for(work(stream, v), 10)
        finally:
            await stream.close()

    return asyncio.run(run())


async def marks_until(
    stream: MarkStream, wanted: Callable[[dict[str, float]], bool]
) -> dict[str, float]:
    while not wanted(marks := await stream.next(HELD)):
        pass
    return marks


def test_next_returns_the_venue_marks_of_usdt_and_usdc_perpetuals(
    venue: tuple[str, Venue],
) -> None:
    async def work(stream: MarkStream, v: Venue) -> dict[str, float]:
        return await marks_until(stream, lambda m: len(m) == len(HELD))

    assert streaming(venue, work) == {BTC: 64_000.5, BTC_USDC: 64_010.5}


def test_next_follows_a_mark_change_at_once(venue: tuple[str, Venue]) -> None:
    async def work(stream: MarkStream, v: Venue) -> dict[str, float]:
        await marks_until(stream, lambda m: len(m) == len(HELD))
        v.set_marks({BTC_USDC: 61_500.0})
        return await asyncio.wait_for(
            marks_until(stream, lambda m: m.get(BTC_USDC) == 61_500.0), 1.0
        )

    assert streaming(venue, work) == {BTC: 64_000.5, BTC_USDC: 61_500.0}


def test_a_quiet_stream_keeps_next_from_returning(venue: tuple[str, Venue]) -> None:
    async def work(stream: MarkStream, v: Venue) -> float:
        await marks_until(stream, lambda m: len(m) == len(HELD))
        v.stream.go_quiet()
        for _ in HELD:  # a push already on its way when the fault began may still land
            try:
                await asyncio.wait_for(stream.next(HELD), 0.2)
            except TimeoutError:
                break
        v.set_marks({BTC: 60_000.0})
        with pytest.raises(TimeoutError):  # what the caller's heartbeat sees
            await asyncio.wait_for(stream.next(HELD), QUIET_WINDOW_S)
        assert v.stream.connections() == 1  # quiet, not closed
        v.stream.resume()
        marks = await marks_until(stream, lambda m: m.get(BTC) != 64_000.5)
        return marks[BTC]

    assert streaming(venue, work) == 60_000.0


def test_the_stream_holds_no_credentials(venue: tuple[str, Venue]) -> None:
    async def work(stream: MarkStream, v: Venue) -> tuple[Any, ...]:
        await stream.next(HELD)
        ex = stream.exchange
        return ex.apiKey, ex.secret, ex.password, ex.check_required_credentials(False)

    key, secret, password, can_sign = streaming(venue, work)
    assert not key and not secret and not password
    assert can_sign is False


def test_each_heartbeat_outlasts_its_venue_s_silence_between_pushes() -> None:
    assert heartbeat_for("bybit") >= 2 * BYBIT_CADENCE_S
    assert heartbeat_for("okx") > OKX_IDLE_S  # OKX: every 10 s while a mark stands still
    assert heartbeat_for("binanceusdm") == 3.0  # unchanged
    for exchange_id in STREAMING:
        assert MarkStream(ExchangeSettings(exchange_id), None).heartbeat == heartbeat_for(
            exchange_id
        )


def test_a_sandbox_account_streams_from_the_venue_s_demo_hosts() -> None:
    okx_ws = MarkStream(ExchangeSettings("okx", sandbox=True), None).exchange.urls["api"]["ws"]
    assert okx_ws.startswith("wss://wspap.okx.com")
    bybit_ws = MarkStream(ExchangeSettings("bybit", sandbox=True), None).exchange.urls["api"]["ws"]
    assert bybit_ws["public"]["linear"].startswith("wss://stream-testnet.")


def test_other_venues_are_still_refused() -> None:
    with pytest.raises(NotSupported):
        MarkStream(ExchangeSettings("gate"), None)


@pytest.mark.parametrize("exchange_id", ["bybit", "okx"])
def test_which_accounts_stream_marks(exchange_id: str) -> None:
    def record(kind: str, **settings: Any) -> SimpleNamespace:
        return SimpleNamespace(venue=exchange_id, kind=kind, settings=settings)

    assert streams_marks(record("simulated", ws_url="ws://127.0.0.1:1", api_url="http://x"))
    assert streams_marks(record("exchange"))  # the venue's own stream hosts
    assert not streams_marks(record("exchange", api_url="http://127.0.0.1:1"))  # REST alone
    assert not streams_marks(record("manual", ws_url="ws://127.0.0.1:1"))
