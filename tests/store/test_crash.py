"""A writer killed with SIGKILL mid-loop loses no committed row and leaves a sound database
(on PostgreSQL the server outlives the client: it must roll the open transaction back)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from monitor.store import open_database

ROOT = Path(__file__).parents[2]
WRITER = Path(__file__).with_name("crash_writer.py")
STEPS_BEFORE_KILL = 150


def test_sigkill_during_writes_loses_nothing_committed(db_url):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(WRITER), db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    last_committed = -1
    try:
        assert child.stdout is not None
        for line in child.stdout:  # wait for the condition, not for a time
            last_committed = int(line)
            if last_committed >= STEPS_BEFORE_KILL:
                break
        child.send_signal(signal.SIGKILL)  # mid-write: it never stops between steps
    finally:
        child.kill()
        _, err = child.communicate()
    assert child.returncode == -signal.SIGKILL, err
    assert last_committed >= STEPS_BEFORE_KILL, err

    if db_url.startswith("sqlite:///"):
        raw = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        try:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            raw.close()
    with open_database(db_url) as db:
        (account,) = db.accounts.list()
        series = db.history.health(account.account_id, 0.0, 1e12)
        steps = series.at.astype(int).tolist()
        # Every step reported committed is there; at most the one step in flight beyond it.
        assert steps == list(range(len(steps)))
        assert len(steps) - 1 in (last_committed, last_committed + 1)
        assert series.health_ratio.tolist() == [float(s) for s in steps]
        # The live positions are one refresh's whole set, never a mix of two.
        book = db.positions.account(account.account_id)
        step = int(book.wallet_balance)
        assert step in (steps[-1], steps[-1] + 1)
        assert len(book.positions) == step % 3 + 1
