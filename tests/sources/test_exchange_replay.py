"""Recorded venue responses replayed through the real ccxt into our normalisers.

Every expectation is read from the raw `httpResponse` in the fixture (never from ccxt's
parsedResponse or our own output). Where the payload has the venue's liquidation price and
enough inputs, our engine's liquidation price is compared with it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from monitor.domain import Maintenance, MaintenanceBasis, MarginMode, Side, evaluate_accounts
from monitor.sources.exchange.binance import binance_accounts
from monitor.sources.exchange.bybit import bybit_accounts
from monitor.sources.exchange.bybit_unified import BybitRules
from monitor.sources.exchange.dydx import dydx_accounts
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.hyperliquid import hyperliquid_accounts
from monitor.sources.exchange.readonly import make_read_only
from monitor.sources.exchange.tiers import maintenance_from_brackets

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "ccxt-fixtures"
HL_ADDRESS = "0x" + "1" * 40
DYDX_ADDRESS = "dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art"


def load(venue: str, name: str) -> Any:
    return json.loads((FIXTURES / venue / f"{name}.json").read_text())


def case(venue: str, method: str, description: str) -> tuple[dict[str, Any], dict[str, Any]]:
    data = load(venue, method)
    for c in data["methods"][method]:
        if c["description"] == description:
            return c, data["options"]
    raise KeyError(description)


def binance_markets() -> dict[str, Any]:
    """The recorded markets store precision as decimal places; current ccxt reads tick sizes."""
    markets = {}
    for symbol, market in load("binance", "markets").items():
        precision = {k: 10.0**-v for k, v in (market.get("precision") or {}).items()}
        markets[symbol] = {**market, "precision": precision}
    return markets


def replay(
    exchange_id: str,
    markets: dict[str, Any],
    options: dict[str, Any],
    calls: list[tuple[str, list[Any], dict[str, Any]]],
    config: dict[str, Any] | None = None,
) -> list[Any]:
    """Run ccxt methods with each HTTP answer taken, in order, from `calls`' recordings."""

    async def run() -> list[Any]:
        exchange = getattr(ccxt_async, exchange_id)(
            {"markets": markets, "enableRateLimit": False, **(config or {})}
        )
        exchange.extend_exchange_options(options)
        make_read_only(exchange)
        answers: list[Any] = []

        async def fetch(
            url: str, method: str = "GET", headers: Any = None, body: Any = None
        ) -> Any:
            return answers.pop(0) if len(answers) > 1 else answers[0]

        exchange.fetch = fetch
        results = []
        try:
            for method, args, recording in calls:
                answers[:] = [recording["httpResponse"]]
                results.append(await getattr(exchange, method)(*args))
        finally:
            await exchange.close()
        return results

    return asyncio.run(run())


def binance_maintenance(options: dict[str, Any]) -> Callable[[str], Maintenance]:
    # The fixture's cached brackets carry floors and rates; cum follows the recurrence.
    return lambda symbol: maintenance_from_brackets(options["leverageBrackets"][symbol], symbol)


BINANCE_KEYS = {"apiKey": "k", "secret": "s"}


# ---------------------------------------------------------------- Binance USDⓈ-M positionRisk


@pytest.mark.parametrize(
    "description",
    ["Fetch linear positions without symbols", "Fetch linear positions with symbols"],
)
def test_binance_position_risk_rows_become_cross_positions(description: str) -> None:
    positions_case, options = case("binance", "fetchPositions", description)
    balance_case, _ = case("binance", "fetchBalance", "Linear swap balance")
    markets = binance_markets()
    positions, balance = replay(
        "binanceusdm",
        markets,
        options,
        [("fetch_positions", [], positions_case), ("fetch_balance", [], balance_case)],
        BINANCE_KEYS,
    )
    (account,) = binance_accounts(
        "main", "binanceusdm", positions, balance["info"], markets, binance_maintenance(options)
    )
    raw = positions_case["httpResponse"][0]
    raw_balance = balance_case["httpResponse"]["assets"][0]
    assert account.collateral == raw["marginAsset"] == raw_balance["asset"]
    assert account.wallet_balance == float(raw_balance["crossWalletBalance"])
    (p,) = account.positions
    assert p.symbol == "BTC/USDT:USDT"
    assert p.side is Side.LONG
    assert p.contracts == abs(float(raw["positionAmt"]))
    assert p.entry_price == float(raw["entryPrice"])
    assert p.mark_price == float(raw["markPrice"])
    assert p.margin_mode is MarginMode.CROSS and p.isolated_margin is None
    assert p.exchange_liquidation_price == float(raw["liquidationPrice"])
    assert not p.inverse
    # v3 rows state no leverage: it follows from |notional| ÷ positionInitialMargin (whole).
    assert "leverage" not in raw
    assert p.leverage == round(float(raw["notional"]) / float(raw["positionInitialMargin"]))


def test_binance_our_liquidation_price_matches_the_exchange() -> None:
    """positionRisk carries no wallet; the account snapshot of the same account does.

    The account payload (same position, same updateTime) is in multi-assets mode (USDC in the
    cross wallet, one shared availableBalance), so the pool wallet is totalCrossWalletBalance.
    Tolerance 1e-5 relative: the two recordings are seconds apart and Binance values the USDC
    collateral at its index (≈1 USDT, not exactly) — the residual is 0.17 USDT in 64,847.
    """
    positions_case, options = case(
        "binance", "fetchPositions", "Fetch linear positions without symbols"
    )
    account_case, _ = case(
        "binance", "fetchPositions", "Fetch linear positions using account endnpoint"
    )
    markets = binance_markets()
    (positions,) = replay(
        "binanceusdm", markets, options, [("fetch_positions", [], positions_case)], BINANCE_KEYS
    )
    (account,) = binance_accounts(
        "main",
        "binanceusdm",
        positions,
        account_case["httpResponse"],
        markets,
        binance_maintenance(options),
        multi_assets=True,
    )
    assert account.wallet_balance == float(account_case["httpResponse"]["totalCrossWalletBalance"])
    (health,) = evaluate_accounts([account])
    ours = health.positions[0].liquidation_price
    theirs = float(positions_case["httpResponse"][0]["liquidationPrice"])
    assert ours == pytest.approx(theirs, rel=1e-5)


@pytest.mark.parametrize("multi_assets", [True, False])
def test_binance_account_endpoint_rows(multi_assets: bool) -> None:
    account_case, options = case(
        "binance", "fetchPositions", "Fetch linear positions using account endnpoint"
    )
    markets = binance_markets()
    (positions,) = replay(
        "binanceusdm",
        markets,
        options,
        [("fetch_positions", [["BTC/USDT:USDT"], {"method": "account"}], account_case)],
        BINANCE_KEYS,
    )
    raw = account_case["httpResponse"]
    accounts = binance_accounts(
        "main", "binanceusdm", positions, raw, markets, binance_maintenance(options), multi_assets
    )
    row = raw["positions"][0]
    amount = float(row["positionAmt"])
    if multi_assets:
        (account,) = accounts
        assert account.wallet_balance == float(raw["totalCrossWalletBalance"])
        assert account.exchange_health_ratio == pytest.approx(
            float(raw["totalMarginBalance"]) / float(raw["totalMaintMargin"])
        )
    else:
        by_pool = {a.collateral: a for a in accounts}
        assets = {a["asset"]: a for a in raw["assets"]}
        assert set(by_pool) == {"USDT", "USDC"}  # the non-empty cross wallets
        for name, acct in by_pool.items():
            assert acct.wallet_balance == float(assets[name]["crossWalletBalance"])
        account = by_pool["USDT"]
    (p,) = account.positions
    # No prices on this endpoint: notional = amount·mark, uPnL = amount·(mark − entry).
    assert p.contracts == abs(amount)
    assert p.mark_price == pytest.approx(float(row["notional"]) / amount, rel=1e-12)
    assert p.entry_price == pytest.approx(
        (float(row["notional"]) - float(row["unrealizedProfit"])) / amount, rel=1e-12
    )
    assert p.exchange_liquidation_price is None  # this endpoint gives none
    (health,) = evaluate_accounts([account])[:1]
    assert health.positions[0].unrealized_pnl == pytest.approx(float(row["unrealizedProfit"]))


# ---------------------------------------------------------------- Binance COIN-M (inverse)


def test_binance_coin_m_positions_are_inverse_in_their_coin_pool() -> None:
    positions_case, options = case("binance", "fetchPositions", "inverse positions")
    markets = binance_markets()
    (positions,) = replay(
        "binancecoinm",
        markets,
        options,
        [("fetch_positions", [None, {"subType": "inverse"}], positions_case)],
        BINANCE_KEYS,
    )
    raw = positions_case["httpResponse"][0]
    # No COIN-M account payload was recorded: give the BTC pool an explicit wallet.
    futures_account = {"assets": [{"asset": "BTC", "crossWalletBalance": "0.01"}]}
    (account,) = binance_accounts(
        "coin", "binancecoinm", positions, futures_account, markets, binance_maintenance(options)
    )
    assert account.collateral == "BTC" and account.inverse
    (p,) = account.positions  # the zero-size BCH row is dropped
    assert p.side is Side.SHORT
    assert p.contracts == abs(float(raw["positionAmt"]))
    assert p.contract_size == float(markets["BTC/USD:BTC"]["info"]["contractSize"])
    assert p.entry_price == float(raw["entryPrice"])
    assert p.mark_price == float(raw["markPrice"])
    assert p.exchange_liquidation_price == float(raw["liquidationPrice"])
    assert p.leverage == float(raw["leverage"])
    (health,) = evaluate_accounts([account])
    # Inverse PnL in coin: side·N·CS·(1/E − 1/P), the venue's unRealizedProfit.
    assert health.positions[0].unrealized_pnl == pytest.approx(
        float(raw["unRealizedProfit"]), abs=1e-8
    )


def test_binance_never_mixes_inverse_and_linear_in_one_pool() -> None:
    usdm, options = case("binance", "fetchPositions", "Fetch linear positions without symbols")
    coinm, _ = case("binance", "fetchPositions", "inverse positions")
    markets = binance_markets()
    linear = replay("binanceusdm", markets, options, [("fetch_positions", [], usdm)], BINANCE_KEYS)[
        0
    ]
    inverse = replay(
        "binancecoinm",
        markets,
        options,
        [("fetch_positions", [None, {"subType": "inverse"}], coinm)],
        BINANCE_KEYS,
    )[0]
    with pytest.raises(Malformed, match="multi-assets mode with inverse"):
        binance_accounts(
            "x",
            "binance",
            linear + inverse,
            {"totalCrossWalletBalance": "1"},
            markets,
            binance_maintenance(options),
            multi_assets=True,
        )


def test_binance_hedge_mode_rows_keep_their_side_and_isolated_wallet() -> None:
    """Hedge mode: two rows per symbol; isolatedWallet (not isolatedMargin, which has uPnL)."""
    positions_case, options = case(
        "binance", "fetchPositions", "Fetch linear positions without symbols"
    )
    base = positions_case["httpResponse"][0]
    long_row = {
        **base,
        "positionSide": "LONG",
        "marginType": "isolated",
        "isolatedWallet": "50.5",
        "isolatedMargin": "51.01106678",
    }
    short_row = {
        **base,
        "positionSide": "SHORT",
        "positionAmt": "-0.004",
        "liquidationPrice": "0",
        "notional": "-270.0",
    }
    recording = {"httpResponse": [long_row, short_row]}
    markets = binance_markets()
    (positions,) = replay(
        "binanceusdm", markets, options, [("fetch_positions", [], recording)], BINANCE_KEYS
    )
    (account,) = binance_accounts(
        "h",
        "binanceusdm",
        positions,
        {"assets": [{"asset": "USDT", "crossWalletBalance": "10"}]},
        markets,
        binance_maintenance(options),
    )
    by_side = {p.side: p for p in account.positions}
    assert by_side[Side.LONG].margin_mode is MarginMode.ISOLATED
    assert by_side[Side.LONG].isolated_margin == 50.5
    assert by_side[Side.SHORT].contracts == 0.004
    assert by_side[Side.SHORT].exchange_liquidation_price is None  # "0" means none


def test_binance_bad_number_is_rejected_naming_position_and_field() -> None:
    positions_case, options = case(
        "binance", "fetchPositions", "Fetch linear positions without symbols"
    )
    markets = binance_markets()
    (positions,) = replay(
        "binanceusdm", markets, options, [("fetch_positions", [], positions_case)], BINANCE_KEYS
    )
    positions[0]["info"]["entryPrice"] = "n/a"
    with pytest.raises(
        Malformed, match=r"binanceusdm account 'main' position BTC/USDT:USDT.*entryPrice"
    ):
        binance_accounts(
            "main", "binanceusdm", positions, {"assets": []}, markets, binance_maintenance(options)
        )


# ---------------------------------------------------------------- Hyperliquid


def hyperliquid_replay(
    description: str, markets: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[Any]]:
    recording, options = case("hyperliquid", "fetchPositions", description)
    state = recording["httpResponse"]

    async def run() -> list[Any]:
        exchange = ccxt_async.hyperliquid(
            {
                "markets": markets or load("hyperliquid", "markets"),
                "enableRateLimit": False,
                "walletAddress": HL_ADDRESS,
            }
        )
        exchange.extend_exchange_options(options)
        make_read_only(exchange)
        sent: list[Any] = []

        async def fetch(
            url: str, method: str = "GET", headers: Any = None, body: Any = None
        ) -> Any:
            sent.append((method, url, body))
            return state

        exchange.fetch = fetch
        try:
            answer = await exchange.publicPostInfo(
                {"type": "clearinghouseState", "user": HL_ADDRESS}
            )
            positions = [exchange.parse_position(p) for p in answer["assetPositions"]]
        finally:
            await exchange.close()
        assert all(url.endswith("/info") for _, url, _ in sent)
        return positions

    return state, asyncio.run(run())


@pytest.mark.parametrize(
    "description",
    ["fetch positions", "short position", "isolated short position", "fetch hip3 positions"],
)
def test_hyperliquid_state_becomes_one_pool(description: str) -> None:
    state, positions = hyperliquid_replay(description)
    (account,) = hyperliquid_accounts("hl", "hyperliquid", state, positions)
    raw_positions = [a["position"] for a in state["assetPositions"]]
    cross_pnl = sum(
        float(r["unrealizedPnl"]) for r in raw_positions if r["leverage"]["type"] == "cross"
    )
    assert account.wallet_balance == pytest.approx(
        float(state["crossMarginSummary"]["accountValue"]) - cross_pnl, abs=1e-9
    )
    (health,) = evaluate_accounts([account])
    for raw, p, ph in zip(raw_positions, account.positions, health.positions, strict=True):
        szi = float(raw["szi"])
        assert p.contracts == abs(szi) and p.side is (Side.LONG if szi > 0 else Side.SHORT)
        assert p.entry_price == float(raw["entryPx"])
        assert p.mark_price == pytest.approx(float(raw["positionValue"]) / abs(szi))
        assert p.maintenance == Maintenance.hyperliquid(float(raw["maxLeverage"]))
        if raw["leverage"]["type"] == "isolated":
            assert p.isolated_margin is not None
            # isolated margin + uPnL at mark is the venue's isolated account value (marginUsed)
            assert p.isolated_margin + ph.unrealized_pnl == pytest.approx(
                float(raw["leverage"]["rawUsd"]) + szi * p.mark_price
            )
            assert p.isolated_margin + ph.unrealized_pnl == pytest.approx(
                float(raw["marginUsed"]), abs=1e-6
            )
        if raw["liquidationPx"] is None:
            assert p.exchange_liquidation_price is None
        else:
            # Our engine vs the venue: Hyperliquid's formula is ours (half IM at max leverage,
            # no fee term); the payload rounds to 6 dp, so 1e-6 relative.
            assert p.exchange_liquidation_price == float(raw["liquidationPx"])
            assert ph.liquidation_price == pytest.approx(float(raw["liquidationPx"]), rel=1e-6)


def test_hyperliquid_hip3_position_settles_in_its_own_collateral() -> None:
    # The HIP-3 market is not in the recorded markets file; ccxt names it from the
    # fixture's hip3TokensByName option, and we take its collateral from that symbol.
    state, positions = hyperliquid_replay("fetch hip3 positions")
    (account,) = hyperliquid_accounts("hl", "hyperliquid", state, positions)
    assert account.collateral == "USDH"


def test_hyperliquid_cross_health_matches_venue_maintenance() -> None:
    state, positions = hyperliquid_replay("short position")
    (account,) = hyperliquid_accounts("hl", "hyperliquid", state, positions)
    (health,) = evaluate_accounts([account])
    assert health.maintenance_margin == pytest.approx(float(state["crossMaintenanceMarginUsed"]))
    assert health.margin_balance == pytest.approx(
        float(state["crossMarginSummary"]["accountValue"])
    )


# ---------------------------------------------------------------- Bybit


def bybit_ltc() -> tuple[Any, Any, dict[str, Any], dict[str, Any]]:
    """The recorded LTCUSDT position and unified wallet, through the real ccxt."""
    positions_case, options = case("bybit", "fetchPositions", "Fetch linear position")
    balance_case, _ = case("bybit", "fetchBalance", "balance after availableToWithdraw update")
    positions, balance = replay(
        "bybit",
        load("bybit", "markets"),
        options,
        [
            ("fetch_positions", [["LTC/USDT:USDT"]], positions_case),
            ("fetch_balance", [], balance_case),
        ],
        {
            "apiKey": "k",
            "secret": "s",
            "options": {"enableUnifiedAccount": True, "enableUnifiedMargin": False},
        },
    )
    return positions, balance, positions_case, balance_case


def test_bybit_unified_position_and_pool() -> None:
    positions, balance, positions_case, balance_case = bybit_ltc()
    raw = positions_case["httpResponse"]["result"]["list"][0]
    wallet = balance_case["httpResponse"]["result"]["list"][0]
    (account,) = bybit_accounts(
        "b", "bybit", positions, balance["info"], lambda s: Maintenance.flat(0.01)
    )
    assert account.collateral == "USD"
    assert account.wallet_balance == pytest.approx(
        float(wallet["totalMarginBalance"]) - float(wallet["totalPerpUPL"])
    )
    (p,) = account.positions
    assert p.contracts == float(raw["size"]) and p.side is Side.LONG
    assert p.entry_price == float(raw["avgPrice"]) and p.mark_price == float(raw["markPrice"])
    assert p.margin_mode is MarginMode.CROSS  # tradeMode 0
    assert p.maintenance_basis is MaintenanceBasis.MARK  # UTA
    assert p.exchange_liquidation_price is None  # liqPrice ""


def test_bybit_fee_to_close_reproduces_the_recorded_position_mm() -> None:
    """The recorded LTCUSDT row: positionMM 0.81072399 = 77.519375 x 1 % + 77.519375 x
    (1 - 1/6) x 0.055 % — maintenance plus the fee to close at the bankruptcy price. Bybit
    computed it (2023) on the entry value; evaluated at the entry price the adapter's rule
    gives the same, and without the fee it would be 4.4 % short."""
    positions, balance, positions_case, _ = bybit_ltc()
    raw = positions_case["httpResponse"]["result"]["list"][0]
    (account,) = bybit_accounts(
        "b", "bybit", positions, balance["info"], lambda s: Maintenance.flat(0.01),
        rules=BybitRules.known({"LTCUSDT": 0.00055}),
    )  # fmt: skip
    (p,) = account.positions
    at_entry = replace(account, positions=(replace(p, mark_price=p.entry_price),))
    (health,) = evaluate_accounts([at_entry])
    ours = health.positions[0].maintenance_margin
    assert ours == pytest.approx(float(raw["positionMM"]), rel=1e-6)
    assert p.exchange_maintenance_margin == float(raw["positionMM"])
    without_fee = float(raw["positionValue"]) * 0.01
    assert without_fee < float(raw["positionMM"]) * 0.96


# ---------------------------------------------------------------- dYdX


def test_dydx_position_and_subaccount() -> None:
    positions_case, _ = case("dydx", "fetchPositions", "fetchPositions")
    balance_case, _ = case("dydx", "fetchBalance", "fetchBalance")
    markets = load("dydx", "markets")
    positions, balance = replay(
        "dydx",
        markets,
        {},
        [
            ("fetch_positions", positions_case["input"], positions_case),
            ("fetch_balance", [], balance_case),
        ],
        {"walletAddress": DYDX_ADDRESS},
    )
    (account,) = dydx_accounts("d", "dydx", positions, balance["info"], markets)
    sub = balance_case["httpResponse"]["subaccount"]
    open_pnl = sum(float(p["unrealizedPnl"]) for p in sub["openPerpetualPositions"].values())
    assert account.wallet_balance == float(sub["equity"]) - open_pnl
    raw = positions_case["httpResponse"]["positions"][0]
    info = markets["BTC/USDC:USDC"]["info"]
    (p,) = account.positions
    assert p.side is Side.SHORT and p.contracts == abs(float(raw["size"]))
    assert p.entry_price == float(raw["entryPrice"])
    assert p.mark_price == float(info["oraclePrice"])
    assert p.maintenance == Maintenance.flat(float(info["maintenanceMarginFraction"]))


def test_dydx_negative_usdc_balance_is_a_valid_wallet() -> None:
    sub = {"subaccount": {"equity": "-12.5", "openPerpetualPositions": {}}}
    (account,) = dydx_accounts("d", "dydx", [], sub, {})
    assert account.wallet_balance == -12.5
