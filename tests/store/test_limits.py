"""Values a column cannot hold on every backend are refused alike, naming the column.

SQLite ignores a VARCHAR's length and PostgreSQL enforces it; SQLite keeps NaN and Infinity in
JSON and PostgreSQL's json type refuses them. Without checks of its own the store would keep
such a value on one backend and fail with a driver error on the other.
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy import text

from monitor.domain.model import Account, Maintenance, Position, Side
from monitor.store import PositionMark, StoreError, open_database
from monitor.store.limits import check_values
from monitor.store.models import PositionRow


def _position(symbol: str) -> Position:
    return Position(symbol, Side.LONG, 1.0, 100.0, 100.0, Maintenance.flat(0.01))


def test_a_symbol_longer_than_its_column_is_refused_and_nothing_written(db):
    account = db.accounts.add("a", "manual", wallet_balance=1.0)
    at_limit = "€" * 90 + "/USDT:USDT"  # 100 characters (more bytes): fits
    db.positions.save(account, _position(at_limit))
    with pytest.raises(StoreError, match=r"positions\.symbol: at most 100 characters, got 101"):
        db.positions.replace_live(account, 2.0, [_position("B/USDT:USDT"), _position("x" * 101)], 2)
    assert [p.position.symbol for p in db.positions.list(account)] == [at_limit]
    assert db.accounts.get(account).wallet_balance == 1.0
    with pytest.raises(StoreError, match=r"market_marks\.symbol: at most 100"):
        db.market.upsert_marks("okx", [("y" * 150, 1.0)], 1.0)
    assert db.market.marks("okx") == {}


def test_names_too_long_are_refused_on_add_and_on_update(db):
    with pytest.raises(StoreError, match=r"accounts\.name: at most 200 characters, got 201"):
        db.accounts.add("n" * 201, "manual")
    account = db.accounts.add("n" * 200, "manual")
    with pytest.raises(StoreError, match=r"accounts\.venue: at most 64 characters"):
        db.accounts.update(account, venue="v" * 65)
    assert db.accounts.get(account).venue is None


def test_a_history_mark_of_a_too_long_symbol_is_refused(db):
    account = db.accounts.add("a", "manual", wallet_balance=1.0)
    with pytest.raises(StoreError, match=r"position_marks\.symbol: at most 100"):
        db.history.record_position_marks(account, 1.0, [PositionMark("z" * 101, "long", 1.0, None)])


def test_a_non_finite_number_in_json_is_refused_and_nothing_written(db):
    account = db.accounts.add("a", "exchange", settings={"interval": 2.0})
    pool = Account("a", 1.0, (), collateral="USDT", exchange_health_ratio=math.inf)
    with pytest.raises(StoreError, match=r"accounts\.pools: inf is not a finite number"):
        db.positions.replace_pools(account, [pool], 1.0)
    with pytest.raises(StoreError, match=r"accounts\.settings: nan is not a finite number"):
        db.accounts.update(account, settings={"interval": math.nan})
    stored = db.accounts.get(account)
    assert (stored.pools, stored.settings) == ((), {"interval": 2.0})


def test_an_over_long_value_already_in_a_sqlite_file_does_not_block_other_updates(db_path):
    """SQLite kept over-long text before these checks: such a row still refreshes; only a new
    over-long value is refused. (SQLite only: PostgreSQL never held one.)"""
    with open_database(str(db_path)) as db:
        account = db.accounts.add("short", "exchange")
        with db.write() as s:  # as an older version could have stored it
            s.execute(text("UPDATE accounts SET name = :name"), {"name": "n" * 250})
        db.positions.replace_live(account, 5.0, [_position("BTC/USDT:USDT")], 1.0)
        assert db.accounts.get(account).wallet_balance == 5.0
        with pytest.raises(StoreError, match=r"accounts\.collateral: at most 32"):
            db.accounts.update(account, collateral="c" * 33)


@pytest.mark.parametrize(
    ("tiers", "bad"),
    [
        ([[0.0, 0.004, 0.0], [50_000.0, math.nan, 50.0]], "nan"),  # deep in a row
        ([[0.0, 0.004, 0.0, -math.inf]], "-inf"),  # the last figure of the only row
        ([[0.0, 0.004, 0.0], {"rate": math.inf}], "inf"),  # a mapping among the rows
    ],
)
def test_a_non_finite_figure_anywhere_in_a_tier_table_is_refused(tiers, bad):
    row = {"maintenance_tiers": tiers}
    with pytest.raises(StoreError, match=rf"positions\.maintenance_tiers: {bad} is not a finite"):
        check_values(PositionRow, row)


def test_finite_tables_of_any_shape_pass():
    for tiers in ([[0.0, 0.004, 0.0, 125.0]], [[0, 1, 10**400]], [[0.0, None, "x", True]], []):
        check_values(PositionRow, {"maintenance_tiers": tiers})
