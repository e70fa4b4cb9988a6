"""Where the probability alert is set: `accounts set NAME --probability-alert PCT` (off by
default, `off` again), stored in the account's settings where the window's risk job and
`watch` read it; `watch` runs the risk job only when some account asks for the alert."""

from __future__ import annotations

from monitor.cli import main
from monitor.service.session import MonitorSession
from monitor.store import open_database


def test_accounts_set_probability_alert(db_url, capsys):
    with open_database(db_url) as db:
        db.accounts.add("hand", "manual", collateral="USDT", wallet_balance=1_000.0)
    assert main(["--db", db_url, "accounts", "set", "hand", "--probability-alert", "10"]) == 0
    assert "alert at a 10 % chance of liquidation within 24 h" in capsys.readouterr().out
    with open_database(db_url) as db:
        assert db.accounts.by_name("hand").settings["probability_alert"] == 0.10
    bad = ["--db", db_url, "accounts", "set", "hand", "--probability-alert", "150"]
    assert main(bad) != 0
    assert "--probability-alert: a percentage above 0 and at most 100, got '150'" in (
        capsys.readouterr().err
    )
    with open_database(db_url) as db:  # nothing lost on a bad value
        assert db.accounts.by_name("hand").settings["probability_alert"] == 0.10
    assert main(["--db", db_url, "accounts", "set", "hand", "--probability-alert", "off"]) == 0
    with open_database(db_url) as db:
        assert "probability_alert" not in db.accounts.by_name("hand").settings
    assert main(["--db", db_url, "accounts", "set", "hand"]) != 0  # nothing to set: said
    assert "--interval or --probability-alert" in capsys.readouterr().err


def test_watch_runs_the_risk_job_only_when_asked(db_url):
    with open_database(db_url) as db:
        db.accounts.add("hand", "manual", collateral="USDT", wallet_balance=1_000.0)
    with MonitorSession(db_url, webhooks=[], risk=None) as session:  # watch's choice
        assert session.risk is None
    with open_database(db_url) as db:
        record = db.accounts.by_name("hand")
        db.accounts.update(record.account_id, settings={"probability_alert": 0.2})
    with MonitorSession(db_url, webhooks=[], risk=None) as session:
        assert session.risk is not None
