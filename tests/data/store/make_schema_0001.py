"""Makes schema-0001.sqlite: a database built by migration 0001 alone, with a little data.

Run once, when 0001 was the newest migration: .venv/bin/python tests/data/store/make_schema_0001.py
The file is committed; tests/store/test_migrations.py checks that it upgrades with its data.
Rows are written with plain SQL, as the 0001 schema had them (the models are at head).
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from monitor.store.database import alembic_config

HERE = Path(__file__).resolve().parent
TARGET = HERE / "schema-0001.sqlite"

ACCOUNT = (
    "INSERT INTO accounts (id, name, kind, venue, collateral, settings, credentials_ref, warning,"
    " critical, liquidation, stale_after, wallet_balance, exchange_health_ratio,"
    " positions_fetched_at) VALUES (1, 'binance-main', 'exchange', 'binanceusdm', 'USDT',"
    ' \'{"exchange_id": "binanceusdm", "sandbox": true, "interval": 5}\','
    " 'margin-monitor/binance-main', 2.5, 1.5, 1.0, 60.0, 2000.0, 120.5, 1700000000.0)"
)
POSITION = (
    "INSERT INTO positions (id, account_id, kind, enabled, symbol, side, contracts, contract_size,"
    " inverse, entry_price, mark_price, margin_mode, isolated_margin, leverage, maintenance_kind,"
    " maintenance_tiers, max_leverage, amounts_given, maintenance_basis, close_fee_rate,"
    " exchange_liquidation_price) VALUES (1, 1, 'live', 1, 'BTC/USDT:USDT', 'long', 0.04, 1.0, 0,"
    " 50000.0, 46000.0, 'cross', NULL, 10.0, 'rate', '[[0.0, 0.005, 0.0]]', NULL, 1, 'mark',"
    " 0.0, 2145.73)"
)
HEALTH = (
    "INSERT INTO account_health (account_id, at, margin_balance, maintenance, health_ratio)"
    " VALUES (1, :at, :mb, 14.6, :hr)"
)


def main() -> int:
    TARGET.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{TARGET}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    with engine.begin() as conn:
        conn.execute(text(ACCOUNT))
        conn.execute(text(POSITION))
        for i in range(3):
            conn.execute(text(HEALTH), {"at": 1700000000.0 + i, "mb": 1760.0 + i, "hr": 0.1 + i})
        conn.execute(
            text("INSERT INTO market_marks VALUES ('binanceusdm', 'BTC/USDT:USDT', 46000.0, 1.5)")
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM")
    engine.dispose()
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
