"""A venue the app has not verified is said to be so, never silently trusted; Bitget's
accountEquity (ccxt's `total`) already holds the unrealised PnL and is not counted twice."""

from __future__ import annotations

import json
import time

from monitor.cli import main
from monitor.domain.model import Account, Maintenance, Position, Side
from monitor.sources.exchange.generic import generic_accounts
from monitor.store import open_database


def test_check_marks_a_gate_or_bitget_account_unverified(db_url, capsys):
    db = db_url
    with open_database(db) as store:
        account_id = store.accounts.add("bg", "exchange", venue="bitget")
        pool = Account("bg", 1_000.0, (), venue="bitget", collateral="USDT")
        store.positions.replace_pools(account_id, [pool], time.time())
        store.accounts.add("mine", "manual", wallet_balance=100.0, collateral="USDT")
    assert main(["--db", db, "check", "--json"]) == 0
    accounts = {a["name"]: a for a in json.loads(capsys.readouterr().out)["accounts"]}
    assert accounts["bg"]["verified"] is False
    assert accounts["mine"]["verified"] is True
    main(["--db", db, "check"])
    assert "bg: UNVERIFIED" in capsys.readouterr().out


def test_bitget_wallet_leaves_the_pnl_to_the_positions():
    # /api/v2/mix/account/accounts: accountEquity 10,500 = 10,000 cash + 500 unrealised PnL.
    position = {
        "symbol": "BTC/USDT:USDT", "contracts": 1.0, "markPrice": 60_500.0, "entryPrice": 60_000.0,
        "side": "long", "marginMode": "cross", "liquidationPrice": None, "leverage": 10,
    }  # fmt: skip
    balance = {
        "USDT": {"total": 10_500.0},
        "info": [{"marginCoin": "USDT", "accountEquity": "10500", "unrealizedPL": "500"}],
    }
    markets = {"BTC/USDT:USDT": {"contractSize": 1.0, "inverse": False, "taker": 0.0006}}
    (pool,) = generic_accounts(
        "b", "bitget", [position], balance, markets, lambda s: Maintenance.flat(0.004)
    )
    assert pool.wallet_balance == 10_000.0
    assert pool.positions[0] == Position(
        "BTC/USDT:USDT", Side.LONG, 1.0, 60_000.0, 60_500.0, Maintenance.flat(0.004),
        close_fee_rate=0.0006, leverage=10.0,
    )  # fmt: skip
