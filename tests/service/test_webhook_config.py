"""Webhooks configured once ring for the window's session as for `watch`."""

from __future__ import annotations

import json

from monitor.cli import main
from monitor.domain import Level
from monitor.domain.model import Maintenance, Position, Side
from monitor.service import webhook_config
from monitor.service.session import MonitorSession
from monitor.sources.sim.venue import DEMO_CREDENTIALS
from monitor.store import open_database
from tests.sources.test_exchange_credentials import memory  # noqa: F401  (in-memory keyring)

from .conftest import wait_for


def test_webhooks_are_kept_in_the_keyring_and_listed_without_their_secret(memory, capsys):  # noqa: F811
    assert main(["webhooks", "add", "slack=https://hooks.slack.test/services/T0/B0/SECRET"]) == 0
    assert main(["webhooks", "add", "telegram=123:TOKEN@42"]) == 0
    assert main(["webhooks", "add", "pager=https://x.test"]) == 2  # not a kind we speak
    capsys.readouterr()
    assert main(["webhooks", "list"]) == 0
    listing = capsys.readouterr().out
    assert "slack → hooks.slack.test" in listing and "telegram" in listing
    assert "SECRET" not in listing and "TOKEN" not in listing
    assert len(webhook_config.stored()) == 2
    assert main(["webhooks", "remove", "1"]) == 0
    assert webhook_config.stored() == ["telegram=123:TOKEN@42"]


def test_without_a_keyring_saving_says_what_to_do_instead(capsys, monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)  # a headless machine's answer
    assert main(["webhooks", "add", "json=https://x.test/hook"]) == 2
    err = capsys.readouterr().err
    assert "keyring" in err and webhook_config.ENV in err


def test_the_session_sends_ringing_alerts_to_configured_webhooks(db_url, receiver, monkeypatch):
    monkeypatch.setenv(webhook_config.ENV, f"json={receiver.url('/alerts')}")
    session = MonitorSession(db_url, demo=True)  # what the window runs
    service = session.start()
    try:
        wait_for(lambda: any(a.known for a in service.latest().accounts), timeout=30)
        venue = session.venue.venue
        venue.stop_ticker()
        venue.shift_all(venue.factor_for_health(DEMO_CREDENTIALS.api_key, 1.2))

        def critical_received():
            bodies = [json.loads(r.body) for r in receiver.requests]
            return [b for b in bodies if b["level"] == Level.CRITICAL.label]

        sent = wait_for(critical_received, timeout=30)
        assert sent[0]["message"].startswith("[SIMULATED] demo: ")  # never taken for real
        assert sent[0]["simulated"] is True  # for a machine reading the JSON, too
    finally:
        session.stop()


def test_a_real_accounts_alert_says_it_is_not_simulated(db_url, receiver, monkeypatch):
    monkeypatch.setenv(webhook_config.ENV, f"json={receiver.url('/alerts')}")
    with open_database(db_url) as db:
        account = db.accounts.add("hand", "manual", collateral="USDT", wallet_balance=1_000.0)
        # 1 BTC long at 60,000, 1,000 wallet, mark 59,600 (-400): balance 600, maintenance
        # 0.8 % x 59,600 = 476.8, health 600 / 476.8 = 1.26: below the 2.0 warning.
        btc = Position("BTC/USDT:USDT", Side.LONG, 1, 60_000, 59_600, Maintenance.flat(0.008))
        db.positions.save(account, btc)
    session = MonitorSession(db_url)
    session.start()
    try:
        sent = json.loads(receiver.wait_for(1, timeout=30)[0].body)
        assert sent["account"] == str(account) and sent["message"].startswith("hand")
        assert sent["simulated"] is False
    finally:
        session.stop()
