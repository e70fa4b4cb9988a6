"""`margin-monitor watch` and `check --refresh` as real processes on a real database (a SQLite
file, then a PostgreSQL database: db_url)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from monitor.cli import main

from .conftest import wait_for


def _spawn(db_url, *args):
    env = dict(os.environ, MARGIN_MONITOR_DB=db_url)
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_watch_runs_the_demo_and_stops_cleanly_on_sigterm(db_url):
    proc = _spawn(db_url, "watch", "--demo")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    wait_for(lambda: any(line.startswith("watching demo") for line in lines), timeout=30)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    assert "Traceback" not in proc.stderr.read()


def test_watch_refuses_a_bad_webhook_with_one_line(tmp_path, capsys):
    status = main(["--db", f"sqlite:///{tmp_path / 'w.sqlite'}", "watch", "--webhook", "pager=x"])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pager" in err[0] and "json" in err[0]


def test_check_refresh_polls_the_demo_venue_before_reporting(db_url, capsys):
    db = db_url
    from monitor.service.demo import ensure_demo_account
    from monitor.store import open_database

    with open_database(db) as store:
        ensure_demo_account(store)
    # Never fetched: without --refresh there is nothing current to judge.
    assert main(["--db", db, "check"]) == 3
    capsys.readouterr()
    status = main(["--db", db, "check", "--refresh", "--json"])
    out = capsys.readouterr().out
    assert status in (0, 1, 2)
    assert '"name": "demo"' in out and '"health_ratio": null' not in out.split('"positions"')[0]


def test_a_lone_collector_holds_the_accounts_and_hands_them_back_on_sigterm(db_url):
    import time

    from monitor.store import open_database

    proc = _spawn(db_url, "watch", "--collector", "--demo")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    wait_for(lambda: any(line.startswith("collecting as ") for line in lines), timeout=30)
    with open_database(db_url) as db:
        demo = db.accounts.by_name("demo")
        held = wait_for(lambda: db.leases.holders(time.time()), timeout=15)
        assert list(held) == [demo.account_id]
        assert next(iter(held.values())).split(":")[1] == str(proc.pid)
        # It polls what it holds: the demo venue is read and stored.
        wait_for(lambda: db.source_status.get(demo.account_id).last_success, timeout=30)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert db.leases.holders(0.0) == {}  # handed back at once, not left to expire
    assert "Traceback" not in proc.stderr.read()
