"""A database at schema 0001 with the data of tests/data/store/schema-0001.sqlite, on any backend.

SQLite tests copy that committed file (made when 0001 was the newest migration); PostgreSQL has
no file to copy, so this builds the same thing: migration 0001 alone, then the same literals as
make_schema_0001.py in portable SQL (TRUE/FALSE, no ids given: the serials count from 1).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from monitor.store.database import alembic_config

FIXTURE = Path(__file__).parents[1] / "data" / "store" / "schema-0001.sqlite"

ACCOUNT = (
    "INSERT INTO accounts (name, kind, venue, collateral, settings, credentials_ref, warning,"
    " critical, liquidation, stale_after, wallet_balance, exchange_health_ratio,"
    " positions_fetched_at) VALUES ('binance-main', 'exchange', 'binanceusdm', 'USDT',"
    ' \'{"exchange_id": "binanceusdm", "sandbox": true, "interval": 5}\','
    " 'margin-monitor/binance-main', 2.5, 1.5, 1.0, 60.0, 2000.0, 120.5, 1700000000.0)"
)
POSITION = (
    "INSERT INTO positions (account_id, kind, enabled, symbol, side, contracts, contract_size,"
    " inverse, entry_price, mark_price, margin_mode, isolated_margin, leverage, maintenance_kind,"
    " maintenance_tiers, max_leverage, amounts_given, maintenance_basis, close_fee_rate,"
    " exchange_liquidation_price) VALUES (1, 'live', TRUE, 'BTC/USDT:USDT', 'long', 0.04, 1.0,"
    " FALSE, 50000.0, 46000.0, 'cross', NULL, 10.0, 'rate', '[[0.0, 0.005, 0.0]]', NULL, TRUE,"
    " 'mark', 0.0, 2145.73)"
)
HEALTH = (
    "INSERT INTO account_health (account_id, at, margin_balance, maintenance, health_ratio)"
    " VALUES (1, :at, :mb, 14.6, :hr)"
)
MARK = "INSERT INTO market_marks VALUES ('binanceusdm', 'BTC/USDT:USDT', 46000.0, 1.5)"


def schema_0001(db_url: str, tmp_path: Path) -> str:
    """The URL of a database at schema 0001 holding the fixture's rows."""
    if db_url.startswith("sqlite"):
        path = tmp_path / "old.sqlite"
        shutil.copy(FIXTURE, path)
        return f"sqlite:///{path}"
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
        with engine.begin() as conn:
            conn.execute(text(ACCOUNT))
            conn.execute(text(POSITION))
            for i in range(3):
                row = {"at": 1700000000.0 + i, "mb": 1760.0 + i, "hr": 0.1 + i}
                conn.execute(text(HEALTH), row)
            conn.execute(text(MARK))
    finally:
        engine.dispose()
    return db_url
