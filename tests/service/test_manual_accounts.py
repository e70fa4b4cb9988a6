"""Manual accounts through the service: typed positions, live marks from a venue's public data."""

from __future__ import annotations

import math
from dataclasses import replace

from monitor.domain import Account, Maintenance, Position, Side, evaluate_accounts
from monitor.service.snapshot import SourceState
from monitor.sources.exchange.public import PublicMarks

from .conftest import wait_for

BTC = Position(
    symbol="BTC/USDT:USDT",
    side=Side.LONG,
    contracts=0.5,
    entry_price=60_000,
    mark_price=60_000,
    maintenance=Maintenance.flat(0.005),
)


def _public(exchange_id, api_url):
    return PublicMarks(exchange_id, api_url=api_url, enable_rate_limit=False)


def test_typed_position_changes_the_pool_to_the_engine_value(db, make_service):
    service, rec = make_service()
    service.start()
    account_id = service.create_manual_account("swing", 5_000.0, "USDT", None).result(10)
    service.save_position(account_id, BTC).result(10)
    snap = wait_for(lambda: (s := rec.latest("swing")) and s.health and s.health.positions and s)
    expected = evaluate_accounts([Account("swing", 5_000.0, (BTC,))])[0]
    assert snap.status.state is SourceState.MANUAL and snap.known
    assert snap.health.health_ratio == expected.health_ratio
    # A hypothetical switched on and off moves the liquidation price and back.
    what_if = replace(BTC, symbol="ETH/USDT:USDT", entry_price=3_000, mark_price=3_000,
                      contracts=10, hypothetical=True)  # fmt: skip
    hyp_id = service.save_position(account_id, what_if).result(10)
    with_hyp = wait_for(lambda: (s := rec.latest("swing")) and len(s.account.positions) == 2 and s)
    assert with_hyp.health.positions[0].liquidation_price > expected.positions[0].liquidation_price
    assert with_hyp.baseline.health_ratio == expected.health_ratio  # the real book is unchanged
    service.set_hypothetical_enabled(account_id, hyp_id, False).result(10)
    off = wait_for(lambda: (s := rec.latest("swing")) and len(s.account.positions) == 1 and s)
    assert off.health.positions[0].liquidation_price == expected.positions[0].liquidation_price
    assert [p.symbol for _, p in off.disabled] == ["ETH/USDT:USDT"]


def test_live_marks_come_from_the_venue_and_failures_show(db, venue, make_service):
    account_id = db.accounts.add(
        "swing",
        "manual",
        collateral="USDT",
        wallet_balance=5_000.0,
        settings={"marks_from": "binanceusdm", "marks_api_url": venue.url, "interval": 0.2},
    )
    db.positions.save(account_id, BTC)
    service, rec = make_service(marks_factory=_public)
    service.start()
    venue.set_marks({"BTC": 55_000.0})

    def at_venue_mark():
        s = rec.latest("swing")
        return s and s.known and s.account.positions[0].mark_price == 55_000.0 and s

    snap = wait_for(at_venue_mark)
    expected = evaluate_accounts([Account("swing", 5_000.0, (replace(BTC, mark_price=55_000.0),))])
    assert math.isclose(snap.health.health_ratio, expected[0].health_ratio, rel_tol=1e-12)

    venue.faults.set("server_error", 503)  # public endpoints too
    failing = wait_for(lambda: (s := rec.latest("swing")) and not s.known and s)
    assert failing.status.state in (SourceState.ERROR, SourceState.STALE)
    venue.faults.clear()
    wait_for(lambda: (s := rec.latest("swing")) and s.known)


def _exchange_account_with_key_file(db, api_url, tmp_path):
    """An exchange account on the venue's demo key, its secrets in a chmod-600 file."""
    from monitor.service.api import Credentials
    from monitor.sources.exchange import credentials
    from monitor.sources.sim.venue import DEMO_CREDENTIALS

    path = tmp_path / "secrets.json"
    secrets = Credentials(DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret)
    credentials.save_to_file(path, "binance", secrets)
    account_id = db.accounts.add(
        "binance",
        "exchange",
        venue="binanceusdm",
        credentials_ref="binance",
        settings={"exchange_id": "binanceusdm", "api_url": api_url,
                  "credentials_file": str(path), "interval": 0.2},
    )  # fmt: skip
    return account_id, path, secrets


def test_credentials_come_from_the_file_the_trader_chose(db, venue, make_service, tmp_path):
    """No keyring here: an exchange account whose secrets are in a chmod-600 file polls with
    them; a file others can read is refused with the reason."""
    import pytest

    from monitor.service.sources import connection_for
    from monitor.sources.exchange.errors import AuthFailed

    account_id, path, secrets = _exchange_account_with_key_file(db, venue.url, tmp_path)
    record = db.accounts.get(account_id)
    assert connection_for(record, None).credentials == secrets
    path.chmod(0o644)
    with pytest.raises(AuthFailed, match="chmod 600"):
        connection_for(record, None)
    path.chmod(0o600)
    service, rec = make_service()
    service.start()
    wait_for(lambda: (s := rec.latest("binance")) and s.known)


def test_an_exchange_account_can_be_pointed_elsewhere_and_polls_afresh(
    db, venue, make_service, tmp_path
):
    """Edit: a wrong API URL fails; the corrected settings (keys kept) poll fine."""
    from monitor.service.api import ExchangeSettings

    account_id, path, _ = _exchange_account_with_key_file(db, "http://127.0.0.1:9", tmp_path)
    service, rec = make_service()
    service.start()
    wait_for(lambda: (s := rec.latest("binance")) and s.status.state is SourceState.ERROR)
    shown = service.exchange_settings(account_id).result(10)
    assert shown.api_url == "http://127.0.0.1:9" and shown.exchange_id == "binanceusdm"
    fixed = ExchangeSettings("binanceusdm", api_url=venue.url)
    service.update_exchange_account(account_id, fixed, None).result(10)
    wait_for(lambda: (s := rec.latest("binance")) and s.known)
    stored = db.accounts.get(account_id)
    assert stored.settings["api_url"] == venue.url
    assert stored.settings["credentials_file"] == str(path)  # kept
    assert stored.settings["interval"] == 0.2  # kept


def test_thresholds_set_by_the_trader_judge_the_pool(db, make_service):
    from monitor.domain import Level, Thresholds

    service, rec = make_service()
    service.start()
    account_id = service.create_manual_account("swing", 5_000.0, "USDT", None).result(10)
    service.save_position(account_id, BTC).result(10)
    snap = wait_for(lambda: (s := rec.latest("swing")) and s.health and s.health.positions and s)
    health = snap.health.health_ratio  # 5000 / (0.5 * 60000 * 0.005) = 33.3
    service.set_thresholds(account_id, Thresholds(warning=health * 1.5, critical=2.0)).result(10)
    judged = wait_for(lambda: (s := rec.latest("swing")) and s.thresholds.warning > 2 and s)
    assert judged.health.status is Level.WARNING
    assert db.accounts.get(account_id).thresholds.warning == health * 1.5
