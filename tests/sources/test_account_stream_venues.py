"""The app's AccountEvents on Bybit and OKX: real ccxt.pro over a real websocket to the simulated
venues' private streams on 127.0.0.1 (REST pointed at the venue with api_url, the stream with
ws_url), signing in with the account's own key.

`next` must return after a change of the account at the venue (a deposit, a leg opened, a leg
closed: BybitVenue/OkxVenue.set_book, which push Bybit's wallet and OKX's account event_update),
never on OKX's snapshots, and must raise when the venue refuses the key, in words that hold
neither the stream's URL nor a credential.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from monitor.contracts import Credentials, ExchangeSettings
from monitor.sources.exchange.account_stream import (
    USER_STREAMING,
    AccountEvents,
    quiet_reason,
    streams_account,
)
from monitor.sources.exchange.errors import NotSupported
from monitor.sources.sim.bybit import BybitBook, BybitPosition, BybitVenue
from monitor.sources.sim.okx import OkxBook, OkxPosition, OkxVenue

KEY, SECRET, PASSPHRASE = "stream-key", "STREAM-SECRET", "stream-pass"
BYBIT_BOOK = BybitBook(
    {"USDT": 5_000.0, "USDC": 1_000.0}, (BybitPosition("BTCUSDT", "Buy", 0.2, 60_000.0, 10),)
)
BYBIT_LEG = BybitPosition("ETHUSDT", "Sell", 2.0, 3_100.0, 10)
OKX_MARKS = {"BTC-USDT-SWAP": 62_000.0, "ETH-USDT-SWAP": 3_000.0}
OKX_BOOK = OkxBook("stream", {"USDT": 10_000.0}, (OkxPosition("BTC-USDT-SWAP", 50, 60_000.0, 10),))
OKX_LEG = OkxPosition("ETH-USDT-SWAP", -30, 3_100.0, 10)
WAIT_S = 10.0
Venue = BybitVenue | OkxVenue


@pytest.fixture(params=["bybit", "okx"])
def venue(request: pytest.FixtureRequest) -> Iterator[tuple[str, Venue]]:
    v: Venue
    if request.param == "bybit":
        v = BybitVenue(marks={"BTCUSDT": 62_000.0, "ETHUSDT": 3_000.0})
        v.add_account(BYBIT_BOOK, KEY, SECRET)
    else:
        v = OkxVenue(OKX_MARKS)
        v.add_book(OKX_BOOK, KEY, SECRET, PASSPHRASE)
        v.stream.regular_s = 60.0  # snapshots on demand only (see the snapshot test)
    v.start()
    v.start_stream()
    yield request.param, v
    v.stop()


def credentials(exchange_id: str, secret: str = SECRET) -> Credentials:
    return Credentials(KEY, secret, PASSPHRASE if exchange_id == "okx" else "")


def events(exchange_id: str, v: Venue, secret: str = SECRET) -> AccountEvents:
    settings = ExchangeSettings(exchange_id, api_url=v.url)
    return AccountEvents(settings, credentials(exchange_id, secret), v.ws_url)


def streaming(
    venue: tuple[str, Venue], work: Callable[[AccountEvents, Venue], Awaitable[Any]]
) -> Any:
    exchange_id, v = venue

    async def run() -> Any:
        stream = events(exchange_id, v)
        try:
            return await asyncio.wait_for(work(stream, v), 3 * WAIT_S)
        finally:
            await stream.close()

    return asyncio.run(run())


async def listening(v: Venue) -> None:
    """Until the stream has signed in and subscribed to the channel watch_balance uses."""
    loop = asyncio.get_running_loop()
    if isinstance(v, BybitVenue):
        ok = await loop.run_in_executor(None, v.stream.wait_for_topic, KEY, "wallet", WAIT_S)
    else:
        ok = await loop.run_in_executor(None, v.stream.wait_for_channel, KEY, "account", WAIT_S)
    assert ok, "the stream never subscribed"


def deposit(v: Venue) -> None:
    if isinstance(v, BybitVenue):
        v.set_book(KEY, replace(BYBIT_BOOK, coins={"USDT": 6_500.0, "USDC": 1_000.0}))
    else:
        v.set_book(KEY, replace(OKX_BOOK, cash={"USDT": 12_000.0}))


def with_leg(v: Venue, held: bool) -> None:
    if isinstance(v, BybitVenue):
        legs = (*BYBIT_BOOK.positions, BYBIT_LEG) if held else BYBIT_BOOK.positions
        v.set_book(KEY, replace(BYBIT_BOOK, positions=legs))
    else:
        okx_legs = (*OKX_BOOK.positions, OKX_LEG) if held else OKX_BOOK.positions
        v.set_book(KEY, replace(OKX_BOOK, positions=okx_legs))


async def returns_after(stream: AccountEvents, v: Venue, change: Callable[[], None]) -> bool:
    """`next` is waiting (signed in and subscribed); `change` happens; `next` returns."""
    waiting = asyncio.ensure_future(stream.next())
    await listening(v)
    assert not waiting.done()
    change()
    await asyncio.wait_for(waiting, WAIT_S)
    return True


def test_next_returns_after_a_deposit(venue: tuple[str, Venue]) -> None:
    async def work(stream: AccountEvents, v: Venue) -> bool:
        return await returns_after(stream, v, lambda: deposit(v))

    assert streaming(venue, work)


def test_next_returns_when_a_leg_is_opened_and_when_it_is_closed(venue: tuple[str, Venue]) -> None:
    async def work(stream: AccountEvents, v: Venue) -> bool:
        await returns_after(stream, v, lambda: with_leg(v, True))
        closing = asyncio.ensure_future(stream.next())
        await asyncio.sleep(0)  # `next` is waiting again
        assert not closing.done()
        with_leg(v, False)
        await asyncio.wait_for(closing, WAIT_S)
        return True

    assert streaming(venue, work)


def usdt_total(stream: AccountEvents) -> Any:
    """USDT's total in the balance ccxt.pro keeps from the pushes (Bybit files it under the
    account type)."""
    balance = stream.exchange.balance or {}
    return (balance.get("unified", balance).get("USDT") or {}).get("total")


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)


def test_a_change_that_lands_between_two_calls_is_not_lost(venue: tuple[str, Venue]) -> None:
    async def work(stream: AccountEvents, v: Venue) -> bool:
        await returns_after(stream, v, lambda: deposit(v))
        before = usdt_total(stream)
        with_leg(v, True)  # while nobody waits (the service is reading REST) …
        if isinstance(v, BybitVenue):
            v.set_book(KEY, replace(BYBIT_BOOK, coins={"USDT": 9_000.0}))
        else:
            v.set_book(KEY, replace(OKX_BOOK, cash={"USDT": 9_000.0}))
        await asyncio.wait_for(until(lambda: usdt_total(stream) != before), WAIT_S)
        await asyncio.wait_for(stream.next(), 1.0)  # … so the next call returns at once
        return True

    assert streaming(venue, work)


def test_okx_snapshots_are_not_changes() -> None:
    v = OkxVenue(OKX_MARKS)
    v.add_book(OKX_BOOK, KEY, SECRET, PASSPHRASE)
    v.start()
    v.start_stream()
    v.stream.regular_s = 0.1  # the initial snapshot, then one every 0.1 s

    async def work(stream: AccountEvents, _v: Venue) -> bool:
        waiting = asyncio.ensure_future(stream.next())
        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(None, v.stream.wait_for_snapshots, KEY, 5, WAIT_S)
        assert not waiting.done()  # five snapshots in, still waiting for a change
        deposit(v)
        await asyncio.wait_for(waiting, WAIT_S)
        return True

    try:
        assert streaming(("okx", v), work)
    finally:
        v.stop()


def test_a_wrong_secret_makes_next_raise_in_words_without_url_or_credentials(
    venue: tuple[str, Venue],
) -> None:
    exchange_id, v = venue

    async def run() -> BaseException:
        stream = events(exchange_id, v, secret="NOT-THE-SECRET")
        try:
            with pytest.raises(Exception) as raised:
                await asyncio.wait_for(stream.next(), WAIT_S)
            return raised.value
        finally:
            await stream.close()

    reason = quiet_reason(asyncio.run(run()))
    assert "AuthenticationError" in reason
    for secret in ("://", "127.0.0.1", KEY, SECRET, PASSPHRASE, "NOT-THE-SECRET"):
        assert secret not in reason, reason


def test_a_login_the_stream_refuses_makes_next_raise(venue: tuple[str, Venue]) -> None:
    """The key is good for REST (markets load) but the stream's login is signed with another
    secret: the venue's refusal on the websocket itself ends `next`."""
    exchange_id, v = venue
    refusal = "Params Error" if exchange_id == "bybit" else "60007"

    async def work(stream: AccountEvents, _v: Venue) -> str:
        await stream.exchange.load_markets()
        stream.exchange.secret = "NOT-THE-SECRET"
        with pytest.raises(Exception) as raised:
            await asyncio.wait_for(stream.next(), WAIT_S)
        return quiet_reason(raised.value)

    reason = streaming(venue, work)
    assert refusal in reason
    for secret in ("://", "127.0.0.1", KEY, SECRET, PASSPHRASE):
        assert secret not in reason, reason
    assert not v.stream.listening(KEY)


def test_a_sandbox_account_streams_from_the_venue_s_demo_hosts() -> None:
    okx = AccountEvents(ExchangeSettings("okx", sandbox=True), credentials("okx"), None)
    assert okx.exchange.urls["api"]["ws"].startswith("wss://wspap.okx.com")
    bybit = AccountEvents(ExchangeSettings("bybit", sandbox=True), credentials("bybit"), None)
    assert bybit.exchange.urls["api"]["ws"]["private"]["contract"].startswith(
        "wss://stream-testnet."
    )
    assert okx.exchange.password == PASSPHRASE  # OKX signs its login with the passphrase too


def test_bybit_is_told_it_is_a_unified_account() -> None:
    """No REST round trip to find out which private stream to use."""
    bybit = AccountEvents(ExchangeSettings("bybit"), credentials("bybit"), None)
    assert bybit.exchange.options["enableUnifiedAccount"] is True


def test_other_venues_are_still_refused() -> None:
    assert USER_STREAMING == ("binanceusdm", "bybit", "okx")
    with pytest.raises(NotSupported):
        AccountEvents(ExchangeSettings("gate"), credentials("gate"), None)


@pytest.mark.parametrize("exchange_id", ["bybit", "okx"])
def test_which_accounts_stream_their_changes(exchange_id: str) -> None:
    def record(kind: str, **settings: Any) -> SimpleNamespace:
        return SimpleNamespace(venue=exchange_id, kind=kind, settings=settings)

    assert streams_account(record("exchange", ws_url="ws://127.0.0.1:1", api_url="http://x"))
    assert streams_account(record("exchange"))  # the venue's own stream hosts
    assert not streams_account(record("exchange", api_url="http://127.0.0.1:1"))  # REST alone
    assert not streams_account(record("manual", ws_url="ws://127.0.0.1:1"))
    assert not streams_account(record("simulated", ws_url="ws://127.0.0.1:1"))  # the service's
