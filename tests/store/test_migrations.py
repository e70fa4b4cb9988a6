"""Migrations: an empty database reaches head, models and migrations agree, and a database
made by the first migration moves forward with its data."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from monitor.domain.model import Maintenance, Position, Side, Thresholds
from monitor.store import open_database
from monitor.store.database import alembic_config, head_revision
from monitor.store.models import Base
from tests.store.schema_0001 import schema_0001


def _revision(db) -> str:
    with db.engine.connect() as conn:
        (current,) = MigrationContext.configure(conn).get_current_heads()
    return current


def test_an_empty_database_is_upgraded_to_head_on_open(db_url):
    with open_database(db_url) as db:
        assert _revision(db) == head_revision()
        if db.engine.dialect.name == "sqlite":  # readers beside the writer: a WAL journal
            with db.read() as s:
                mode = s.connection().exec_driver_sql("PRAGMA journal_mode").scalar()
            assert mode == "wal"


def test_models_and_migrations_do_not_drift(db_url):
    with open_database(db_url) as db, db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_migrations_form_one_line_from_0001_to_head():
    script = ScriptDirectory.from_config(alembic_config())
    chain = [r.revision for r in script.walk_revisions()]
    assert chain[-1] == "0001" and chain[0] == script.get_current_head()
    assert len(script.get_heads()) == 1


def test_a_database_of_the_first_schema_moves_forward_with_its_data(db_url, tmp_path):
    url = schema_0001(db_url, tmp_path)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == ("0001",)
    engine.dispose()
    with open_database(url) as db:
        assert _revision(db) == head_revision() != "0001"
        # The values below are the literals make_schema_0001.py wrote with plain SQL.
        record = db.accounts.by_name("binance-main")
        assert record is not None
        assert (record.kind, record.venue, record.collateral) == ("exchange", "binanceusdm", "USDT")
        assert record.settings == {"exchange_id": "binanceusdm", "sandbox": True, "interval": 5}
        assert record.credentials_ref == "margin-monitor/binance-main"
        assert record.thresholds == Thresholds(2.5, 1.5, 1.0)
        assert (record.stale_after, record.wallet_balance) == (60.0, 2000.0)
        assert (record.exchange_health_ratio, record.positions_fetched_at) == (120.5, 1.7e9)
        (stored,) = db.positions.list(record.account_id)
        assert (stored.kind, stored.enabled) == ("live", True)
        assert stored.mark_typed_at is None  # 0008: a venue's mark, never typed
        assert stored.position == Position(
            symbol="BTC/USDT:USDT", side=Side.LONG, contracts=0.04, entry_price=50000.0,
            mark_price=46000.0, maintenance=Maintenance.flat(0.005), leverage=10.0,
            exchange_liquidation_price=2145.73,
        )  # fmt: skip
        series = db.history.health(record.account_id, 0.0, 2e9)
        assert series.at.tolist() == [1.7e9, 1.7e9 + 1, 1.7e9 + 2]
        assert series.health_ratio.tolist() == [0.1, 1.1, 2.1]
        assert db.market.marks("binanceusdm")["BTC/USDT:USDT"].price == 46000.0
        # The tables 0002 added work on the migrated file.
        alert = db.alerts.append(record.account_id, "raised", "critical", "health 1.2", 5.0)
        assert db.alerts.recent()[0].alert_id == alert
        db.source_status.set_error(record.account_id, 6.0, "timeout")
        assert db.source_status.get(record.account_id).last_error == "timeout"
    with open_database(url) as db:  # and opening again is a no-op
        assert _revision(db) == head_revision()
        assert len(db.alerts.recent()) == 1
