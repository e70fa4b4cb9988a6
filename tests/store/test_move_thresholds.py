"""The per-account move thresholds in the store: written, read back exactly, kept by updates
of other fields, and read as the defaults (3 % warning, 1 % critical) on rows from before 0004."""

from __future__ import annotations

import json

from sqlalchemy import text

from monitor.cli import main
from monitor.domain.model import Maintenance, MarginMode, Position, Side, Thresholds
from monitor.store import open_database
from tests.store.schema_0001 import schema_0001

# Fractions that are not short binary numbers, so a float32 or a rounding column would show.
STORED = Thresholds(3.5, 1.3, 1.0, move_warning=0.045, move_critical=1 / 300)


def _raw_moves(db, account_id: int) -> tuple[float | None, float | None]:
    with db.read() as s:
        return tuple(
            s.connection()
            .execute(
                text("SELECT move_warning, move_critical FROM accounts WHERE id = :id"),
                {"id": account_id},
            )
            .one()
        )


def test_move_thresholds_survive_a_restart(db_url):
    with open_database(db_url) as db:
        account_id = db.accounts.add("lev", "manual", wallet_balance=830.0, thresholds=STORED)
    with open_database(db_url) as db:
        record = db.accounts.get(account_id)
        assert record.thresholds == STORED
        assert (record.thresholds.move_warning, record.thresholds.move_critical) == (
            0.045,
            1 / 300,
        )
        assert _raw_moves(db, account_id) == (0.045, 1 / 300)


def test_an_update_sets_them_and_an_update_of_other_fields_keeps_them(db):
    account_id = db.accounts.add("lev", "manual", wallet_balance=830.0)
    assert db.accounts.get(account_id).thresholds == Thresholds()
    assert _raw_moves(db, account_id) == (0.03, 0.01)  # the defaults are written, not left out
    after = db.accounts.update(account_id, thresholds=STORED)
    assert after.thresholds == STORED
    after = db.accounts.update(account_id, wallet_balance=900.0, name="lev2")
    assert after.thresholds == STORED
    assert db.accounts.get(account_id).thresholds == STORED


def test_a_row_from_before_0004_reads_the_default_move_thresholds(db_url, tmp_path):
    with open_database(schema_0001(db_url, tmp_path)) as db:  # migrated 0001 -> head on open
        record = db.accounts.by_name("binance-main")
        assert record is not None
        assert _raw_moves(db, record.account_id) == (None, None)
        # The health levels are the fixture's literals; the moves the defaults.
        assert record.thresholds == Thresholds(2.5, 1.5, 1.0, move_warning=0.03, move_critical=0.01)
        # Setting them writes them.
        db.accounts.update(record.account_id, thresholds=STORED)
        assert _raw_moves(db, record.account_id) == (0.045, 1 / 300)
        assert db.accounts.get(record.account_id).thresholds == STORED


# A stored manual account: a cross 1 BTC long at 91,350 with maintenance 100 on a wallet of 830
# (health 8.3; a fall d liquidates at 830 - 91,350 d = 100 (1 - d): d = 730 / 91,250 = 0.8 %)
# and an isolated 10 ETH long at 5,000 with margin 548.5 and 0.5 % maintenance (250):
# 548.5 + 10 (P - 5,000) = 0.05 P -> P = 49,451.5 / 9.95 = 4,970, 0.6 % below its mark.
BTC = Position("BTC/USDT:USDT", Side.LONG, 1.0, 91_350.0, 91_350.0, Maintenance.flat(100 / 91_350))
ETH = Position(
    "ETH/USDT:USDT", Side.LONG, 10.0, 5_000.0, 5_000.0, Maintenance.flat(0.005),
    margin_mode=MarginMode.ISOLATED, isolated_margin=548.5,
)  # fmt: skip


def _check(capsys, db_url) -> tuple[int, dict]:
    status = main(["--db", db_url, "check", "--json"])
    (account,) = json.loads(capsys.readouterr().out)["accounts"]
    return status, account


def test_check_judges_each_pool_and_isolated_position_by_the_stored_move_thresholds(db_url, capsys):
    with open_database(db_url) as db:
        account_id = db.accounts.add("lev", "manual", collateral="USDT", wallet_balance=830.0)
        db.positions.save(account_id, BTC)
        db.positions.save(account_id, ETH)
    status, account = _check(capsys, db_url)
    statuses = [(p["margin_mode"], p["status"]) for p in account["pools"]]
    # Defaults: 0.8 % and 0.6 % are both within the 1 % critical move.
    assert (status, account["status"]) == (2, "critical")
    assert statuses == [("cross", "critical"), ("isolated", "critical")]
    with open_database(db_url) as db:
        db.accounts.update(
            account_id, thresholds=Thresholds(move_warning=0.007, move_critical=0.005)
        )
    status, account = _check(capsys, db_url)
    statuses = [(p["margin_mode"], p["status"]) for p in account["pools"]]
    # 0.8 % is beyond a 0.7 % warning move: ok; 0.6 % within it, beyond 0.5 %: warning.
    assert (status, account["status"]) == (1, "warning")
    assert statuses == [("cross", "ok"), ("isolated", "warning")]
