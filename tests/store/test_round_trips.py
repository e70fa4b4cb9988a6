"""What goes in comes back out exactly: accounts, positions, market data, across restarts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from monitor.domain.model import (
    Account,
    Maintenance,
    MaintenanceBasis,
    MarginMode,
    Position,
    Side,
    Thresholds,
    Tier,
)
from monitor.formats.portfolio import load_portfolio, parse_portfolio
from monitor.store import StoreError, open_database
from monitor.store.portfolio_io import export_accounts, import_accounts
from tests.store.conftest import EXAMPLE, vector_cases

# Floats chosen to break anything that rounds: not representable in decimal shortly, extremes.
AWKWARD = (0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, 2.0**-1074 * 3, 123456789.12345679)

CASES = vector_cases()


def _position(**changes: object) -> Position:
    base = Position(
        symbol="BTC/USD:BTC",
        side=Side.SHORT,
        contracts=AWKWARD[0],
        entry_price=AWKWARD[1],
        mark_price=AWKWARD[5],
        maintenance=Maintenance.tiered(
            [0.0, AWKWARD[2], 7.5], [0.004, 0.1 + 0.2, 1 / 7], [None] * 3
        ),
        contract_size=AWKWARD[3],
        inverse=True,
        margin_mode=MarginMode.ISOLATED,
        isolated_margin=AWKWARD[4],
        leverage=1 / 9,
        maintenance_basis=MaintenanceBasis.ENTRY,
        close_fee_rate=0.0005,
        exchange_liquidation_price=98765.4321 / 3,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_published_portfolios_survive_import_and_export(case, db):
    original = parse_portfolio(case["portfolio"], case["id"])
    import_accounts(db, original)
    assert export_accounts(db) == original


def test_every_position_field_survives_a_restart_bit_for_bit(db_url):
    kept = (
        _position(),
        _position(symbol="ETH/USD:ETH", maintenance=Maintenance.hyperliquid(1 / 3)),
        _position(symbol="SOL/USD:SOL", maintenance=Maintenance.flat(1 / 11, -AWKWARD[0])),
        _position(
            symbol="X/USD:X", maintenance=Maintenance.tiered([0, 10], [0.01, 0.02], [0.5, 7])
        ),
        _position(  # the venue's own maximum leverage in one tier, none in the other
            symbol="Y/USD:Y",
            maintenance=Maintenance.tiered([0, 10], [0.01, 0.02], [0, 0.1], [40.0, None]),
        ),
    )
    with open_database(db_url) as db:
        account_id = db.accounts.add("manual-1", "manual", wallet_balance=-AWKWARD[1])
        ids = [db.positions.save(account_id, p) for p in kept]
    with open_database(db_url) as db:
        stored = db.positions.list(account_id)
        account = db.positions.account(account_id)
    assert [s.position_id for s in stored] == ids
    assert [s.position for s in stored] == list(kept)
    assert [float.hex(x) for x in (account.wallet_balance, stored[0].position.contracts)] == [
        float.hex(-AWKWARD[1]),
        float.hex(AWKWARD[0]),
    ]
    assert account.positions == kept


def test_every_account_field_survives_a_restart(db_url):
    settings = {"exchange_id": "bybit", "sandbox": True, "interval": 2.5, "extra": {"a": [1, 0.1]}}
    with open_database(db_url) as db:
        account_id = db.accounts.add(
            "bybit-main",
            "exchange",
            venue="bybit",
            collateral="USDT",
            settings=settings,
            credentials_ref="margin-monitor/bybit-main",
            thresholds=Thresholds(3.5, 1.1 + 0.2, 1.0),
            stale_after=45.5,
        )
        db.positions.replace_live(account_id, AWKWARD[5], [_position()], 1_700_000_000.25, 1 / 3)
    with open_database(db_url) as db:
        record = db.accounts.get(account_id)
        assert db.accounts.by_name("bybit-main") == record
        assert db.accounts.list() == (record,)
    assert (record.name, record.kind, record.venue, record.collateral) == (
        "bybit-main", "exchange", "bybit", "USDT",
    )  # fmt: skip
    assert record.settings == settings
    assert record.credentials_ref == "margin-monitor/bybit-main"
    assert record.thresholds == Thresholds(3.5, 1.1 + 0.2, 1.0)
    assert record.stale_after == 45.5
    assert record.wallet_balance == AWKWARD[5]
    assert record.positions_fetched_at == 1_700_000_000.25
    assert record.exchange_health_ratio == 1 / 3


def test_no_secret_column_exists(db):
    # Credentials live in the OS keyring; the database holds only a reference to them.
    with db.read() as s:
        names = {column["name"] for column in inspect(s.connection()).get_columns("accounts")}
    assert not names & {"api_key", "secret", "password", "private_key"}
    assert "credentials_ref" in names


def test_update_changes_only_the_fields_given(db):
    account_id = db.accounts.add("a", "manual", wallet_balance=10.0, venue="okx")
    after = db.accounts.update(account_id, wallet_balance=20.5, thresholds=Thresholds(4.0, 2.0))
    assert (after.wallet_balance, after.thresholds, after.venue) == (
        20.5,
        Thresholds(4.0, 2.0),
        "okx",
    )
    after = db.accounts.update(account_id, venue=None)
    assert (after.venue, after.wallet_balance) == (None, 20.5)
    assert db.accounts.get(account_id) == after


def test_an_account_name_is_taken_once(db):
    db.accounts.add("a", "manual", wallet_balance=1.0)
    with pytest.raises(StoreError, match="'a': an account of that name already exists"):
        db.accounts.add("a", "exchange")
    other = db.accounts.add("b", "manual", wallet_balance=1.0)
    with pytest.raises(StoreError, match="already exists"):
        db.accounts.update(other, name="a")


def test_replacing_live_positions_is_all_or_nothing(db):
    account_id = db.accounts.add("ex", "exchange", venue="binanceusdm")
    first = (_position(), _position(symbol="ETH/USD:ETH"))
    db.positions.replace_live(account_id, 100.0, first, 10.0)
    broken = (_position(symbol="SOL/USD:SOL"), _position(symbol=None))  # NOT NULL symbol
    with pytest.raises(IntegrityError):
        db.positions.replace_live(account_id, 999.0, broken, 20.0)
    assert db.positions.account(account_id).positions == first
    assert db.accounts.get(account_id).wallet_balance == 100.0
    second = (_position(symbol="SOL/USD:SOL"),)
    db.positions.replace_live(account_id, 50.0, second, 30.0)
    assert db.positions.account(account_id) == Account(
        "ex", 50.0, second, venue="binanceusdm", collateral=None
    )


def test_live_refresh_keeps_manual_and_hypothetical_positions(db):
    account_id = db.accounts.add("ex", "exchange")
    what_if = _position(symbol="WHATIF/USD:BTC", hypothetical=True)
    hypo_id = db.positions.save(account_id, what_if)
    db.positions.replace_live(account_id, 1.0, [_position()], 1.0)
    db.positions.replace_live(account_id, 2.0, [_position(symbol="ETH/USD:ETH")], 2.0)
    kinds = [(s.kind, s.position.symbol) for s in db.positions.list(account_id)]
    assert kinds == [("hypothetical", "WHATIF/USD:BTC"), ("live", "ETH/USD:ETH")]
    with pytest.raises(StoreError, match="live positions come from the venue"):
        db.positions.save(account_id, _position(), db.positions.list(account_id)[1].position_id)
    assert db.positions.list(account_id)[0].position_id == hypo_id


def test_hypothetical_positions_switch_on_and_off(db):
    account_id = db.accounts.add("m", "manual", wallet_balance=1000.0)
    real = _position(symbol="REAL/USD:BTC")
    what_if = _position(symbol="WHATIF/USD:BTC", hypothetical=True)
    db.positions.save(account_id, real)
    hypo_id = db.positions.save(account_id, what_if)
    assert db.positions.account(account_id).positions == (real, what_if)
    assert db.positions.account(account_id, with_hypothetical=False).positions == (real,)
    db.positions.set_enabled(account_id, hypo_id, False)
    assert db.positions.account(account_id).positions == (real,)
    assert [s.enabled for s in db.positions.list(account_id)] == [True, False]
    db.positions.set_enabled(account_id, hypo_id, True)
    assert db.positions.account(account_id).positions == (real, what_if)
    real_id = db.positions.list(account_id)[0].position_id
    with pytest.raises(StoreError, match="only hypothetical positions can be switched off"):
        db.positions.set_enabled(account_id, real_id, False)


def test_saving_with_an_id_updates_in_place_and_delete_removes(db):
    account_id = db.accounts.add("m", "manual", wallet_balance=1.0)
    position_id = db.positions.save(account_id, _position())
    changed = _position(contracts=7.25, hypothetical=True)
    assert db.positions.save(account_id, changed, position_id) == position_id
    (stored,) = db.positions.list(account_id)
    assert (stored.position, stored.kind) == (changed, "hypothetical")
    other = db.accounts.add("n", "manual", wallet_balance=1.0)
    with pytest.raises(StoreError, match=f"account #{other}: no position #{position_id}"):
        db.positions.delete(other, position_id)
    db.positions.delete(account_id, position_id)
    assert db.positions.list(account_id) == ()


def test_removing_an_account_removes_everything_of_it(db):
    keep = db.accounts.add("keep", "manual", wallet_balance=1.0)
    gone = db.accounts.add("gone", "manual", wallet_balance=1.0)
    for account_id in (keep, gone):
        db.positions.save(account_id, _position())
        db.history.record_account_health(account_id, 1.0, 1.0, 1.0, 1.0)
        db.alerts.append(account_id, "raised", "warning", "health 1.9", 1.0)
        db.source_status.set_success(account_id, 1.0)
    db.accounts.remove(gone)
    counts = {}
    with db.read() as s:
        for table in ("positions", "account_health", "alerts", "source_status"):
            sql = f"SELECT account_id, count(*) FROM {table} GROUP BY account_id"
            counts[table] = dict(s.connection().exec_driver_sql(sql).all())
    assert counts == {t: {keep: 1} for t in counts}
    with pytest.raises(StoreError, match=f"account #{gone}: no such account"):
        db.accounts.get(gone)


def test_an_exchange_account_never_fetched_has_no_book(db):
    account_id = db.accounts.add("ex", "exchange")
    with pytest.raises(StoreError, match="'ex': no wallet balance yet"):
        db.positions.account(account_id)


def test_market_data_upserts_and_survives_a_restart(db_url):
    tiers = (
        Tier(0.0, 0.004, 0.0, 125.0),  # the venue's own maximum leverage, kept
        Tier(50_000.0, 0.005, 50.0),  # none given: stays none
        Tier(AWKWARD[3], 1 / 3, AWKWARD[0], 66.66),
    )
    with open_database(db_url) as db:
        db.market.upsert_marks("binanceusdm", [("BTC/USDT:USDT", 1.0), ("ETH/USDT:USDT", 2.0)], 5.0)
        db.market.upsert_marks("binanceusdm", [("BTC/USDT:USDT", AWKWARD[5])], 6.0)
        db.market.upsert_marks("bybit", [("BTC/USDT:USDT", 3.0)], 7.0)
        db.market.upsert_tiers("binanceusdm", "BTC/USDT:USDT", tiers[:1], 1.0)
        db.market.upsert_tiers("binanceusdm", "BTC/USDT:USDT", tiers, 8.0)
    with open_database(db_url) as db:
        marks = db.market.marks("binanceusdm")
        assert {s: (r.price, r.fetched_at) for s, r in marks.items()} == {
            "BTC/USDT:USDT": (AWKWARD[5], 6.0),
            "ETH/USDT:USDT": (2.0, 5.0),
        }
        assert db.market.tiers("binanceusdm", "BTC/USDT:USDT") == (tiers, 8.0)
        assert db.market.tiers("bybit", "BTC/USDT:USDT") is None


def test_import_refuses_a_name_clash_and_writes_nothing(db):
    (example,) = load_portfolio(EXAMPLE)
    import_accounts(db, [example])
    fresh = Account("fresh", 1.0)
    with pytest.raises(StoreError, match="already stored"):
        import_accounts(db, [fresh, example])
    assert [a.name for a in db.accounts.list()] == [example.name]
    changed = replace(example, wallet_balance=5.0, positions=example.positions[:1])
    import_accounts(db, [fresh, changed], replace=True)
    # The replaced account is a new one, so it now comes after "fresh".
    assert export_accounts(db) == (fresh, changed)
