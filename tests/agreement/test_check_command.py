"""As a trader would: `accounts add NAME --exchange ID --api-url URL`, then
`check --refresh --json` — every pool's health and every liquidation price the venue reports,
and the exit code of the worst pool."""

from __future__ import annotations

import json

import pytest

from monitor.cli import main
from monitor.sources.sim import DEMO_CREDENTIALS, SimBook, SimPosition, SimVenue
from monitor.sources.sim.bybit import DEMO_BOOK as BYBIT_DEMO
from monitor.sources.sim.bybit import BybitBook, BybitPosition, BybitVenue
from monitor.sources.sim.okx.book import OkxBook, OkxPosition
from monitor.sources.sim.okx.demo import DEMO_BOOK as OKX_DEMO
from monitor.sources.sim.okx.demo import DEMO_MARKS
from monitor.sources.sim.okx.venue import OkxVenue
from monitor.sources.sim.reported import ReportedAccount

REL = 1e-6


def check(db_url, capsys, monkeypatch, exchange, url, key, secret, password=""):
    db = db_url
    monkeypatch.setenv("MARGIN_MONITOR_API_KEY", key)
    monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", secret)
    monkeypatch.setenv("MARGIN_MONITOR_API_PASSWORD", password)
    assert (
        main(["--db", db, "accounts", "add", "acct", "--exchange", exchange, "--api-url", url]) == 0
    )
    capsys.readouterr()
    status = main(["--db", db, "check", "--refresh", "--json"])
    out, err = capsys.readouterr()
    assert out, err
    (account,) = json.loads(out)["accounts"]
    return status, account


def assert_matches(account: dict, reported: ReportedAccount) -> None:
    assert account["verified"] is True
    cross = {p["collateral"]: p for p in account["pools"] if p["margin_mode"] == "cross"}
    for pool in reported.pools:
        if pool.pool.startswith("isolated "):
            _, symbol, side = pool.pool.split(" ")
            (ours,) = [
                p for p in account["pools"]
                if p["margin_mode"] == "isolated" and (p["symbol"], p["side"]) == (symbol, side)
            ]  # fmt: skip
        else:
            ours = cross[pool.pool]
        assert ours["health_ratio"] == pytest.approx(pool.health, rel=REL), pool.pool
    for p in reported.positions:
        mode = "isolated" if p.pool.startswith("isolated ") else "cross"
        (ours,) = [
            q for q in account["positions"]
            if (q["symbol"], q["side"], q["margin_mode"]) == (p.symbol, p.side, mode)
        ]  # fmt: skip
        if p.liquidation_price is None:
            assert ours["liquidation_price"] is None, p
        else:
            assert ours["liquidation_price"] == pytest.approx(p.liquidation_price, rel=REL), p
    worst = min(p.health for p in reported.pools if p.health is not None)
    assert account["health_ratio"] == pytest.approx(worst, rel=REL)


def test_bybit_unified_through_the_command_line(db_url, capsys, monkeypatch, memory_keyring):
    with BybitVenue() as venue:
        venue.add_account(BYBIT_DEMO, "cli-key", "cli-secret")
        status, account = check(
            db_url, capsys, monkeypatch, "bybit", venue.url, "cli-key", "cli-secret"
        )
        assert_matches(account, venue.reported("cli-key"))
    assert status == 0  # the demo pool is healthy (health ~28)


def test_okx_two_pools_exit_with_the_worst(db_url, capsys, monkeypatch, memory_keyring):
    # USDT pool healthy, USDC pool near liquidation (health between 1.0 and 1.25: critical).
    book = OkxBook(
        name="two",
        cash={"USDT": 20_000.0, "USDC": 1_000.0},
        positions=(
            OkxPosition("BTC-USDT-SWAP", 10, 63_000.0, 20),
            OkxPosition("BTC-USDC-SWAP", 30_000, 63_010.0, 100),
        ),
    )
    with OkxVenue(DEMO_MARKS) as venue:
        c = venue.add_book(book)
        reported = venue.reported(c.api_key)
        assert 1.0 < reported.pool("USDC").health < 1.25 < 2.0 < reported.pool("USDT").health
        status, account = check(
            db_url, capsys, monkeypatch, "okx", venue.url, c.api_key, c.secret, c.passphrase
        )
        assert_matches(account, reported)
    assert account["status"] == "critical" and status == 2
    assert [p["collateral"] for p in account["pools"]] == ["USDC", "USDT"]


def test_okx_demo_with_hedge_and_isolated(db_url, capsys, monkeypatch, memory_keyring):
    with OkxVenue(DEMO_MARKS) as venue:
        c = venue.add_book(OKX_DEMO)
        _status, account = check(
            db_url, capsys, monkeypatch, "okx", venue.url, c.api_key, c.secret, c.passphrase
        )
        assert_matches(account, venue.reported(c.api_key))


def test_bybit_hedge_legs_show_one_price(db_url, capsys, monkeypatch, memory_keyring):
    book = BybitBook(
        coins={"USDT": 1_000.0},
        positions=(
            BybitPosition("BTCUSDT", "Buy", 1.0, 60_000.0, 50, position_idx=1),
            BybitPosition("BTCUSDT", "Sell", 1.0, 60_000.0, 50, position_idx=2),
        ),
    )
    with BybitVenue() as venue:
        venue.add_account(book, "hedge-key", "hedge-secret")
        _, account = check(
            db_url, capsys, monkeypatch, "bybit", venue.url, "hedge-key", "hedge-secret"
        )
        assert_matches(account, venue.reported("hedge-key"))
    long, short = account["positions"]
    assert long["liquidation_price"] == short["liquidation_price"]


def test_binance_two_pools_the_issue_describes(db_url, capsys, monkeypatch, memory_keyring):
    """Single-asset mode, USDT pool near liquidation and USDC pool comfortable: both reported,
    the account's figures are the USDT pool's, the exit code is critical's."""
    book = SimBook(
        "two",
        1_950.0,
        (SimPosition("BTCUSDT", 5.0, 61_000.0, 125), SimPosition("ETHUSDC", 1.0, 3_051.0, 20)),
        wallets={"USDC": 10_000.0},
    )
    venue = SimVenue(seed=1, demo_book=None)
    venue.set_marks({"BTCUSDT": 61_000.0, "ETHUSDC": 3_051.0})
    venue.start()
    try:
        c = venue.add_book(book)
        reported = venue.reported(c.api_key)
        assert 1.0 < reported.pool("USDT").health < 1.25 and reported.pool("USDC").health > 2.0
        status, account = check(
            db_url, capsys, monkeypatch, "binanceusdm", venue.url, c.api_key, c.secret
        )
        assert_matches(account, reported)
    finally:
        venue.stop()
    assert status == 2 and account["status"] == "critical"
    assert [p["collateral"] for p in account["pools"]] == ["USDT", "USDC"]
    usdt = account["pools"][0]
    assert usdt["venue"]["health_ratio"] == pytest.approx(reported.pool("USDT").health, rel=1e-6)


def test_a_failed_refresh_says_why_in_the_apps_words(db_url, capsys, monkeypatch, memory_keyring):
    """`check --refresh` on a key the venue lets log in but not read: the sentence the window
    shows for it (what failed, what to do), then the library's text as its details."""
    venue = SimVenue(seed=1)
    venue.start()
    try:
        key, secret = DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret
        venue.faults.set("permission", api_key=key)  # Binance's 401 -1002 on signed reads
        monkeypatch.setenv("MARGIN_MONITOR_API_KEY", key)
        monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", secret)
        add = ["accounts", "add", "acct", "--exchange", "binanceusdm", "--api-url", venue.url]
        assert main(["--db", db_url, *add]) == 0
        capsys.readouterr()
        status = main(["--db", db_url, "check", "--refresh"])
        err = capsys.readouterr().err
        assert main(["--db", db_url, "check", "--refresh", "--json"]) == 3
        error = json.loads(capsys.readouterr().out)["error"]
    finally:
        venue.stop()
    assert status == 3
    words, details = err.removeprefix("UNKNOWN: ").rstrip("\n").split("\ndetails: ")
    assert words.startswith("account 'acct': refresh failed: No permission: the key is valid")
    assert "(code -1002)" in words and "Enable reading" in words
    # The library's text (ccxt files -1002 under AuthenticationError) only as the details.
    assert "AuthenticationError" not in words and "You are not authorized" not in words
    assert "AuthenticationError" in details and "-1002" in details
    assert error == err.removeprefix("UNKNOWN: ").rstrip("\n")  # --json: the same message
