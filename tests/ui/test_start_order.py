"""The start's order (issue 14): the real `margin-monitor --smoke-test` shows the last stored
book before anything heavy that it does not need is imported. ccxt (a second of CPU),
pyqtgraph (the charts, a third of one) and SQLAlchemy (its ORM and the store's models, a third:
the book is read through the database's own driver, store/plain_read.py) imported beside the
window held its figures back, and so did importlib.metadata (~40 ms, for a version number
only --version prints): on one interpreter lock, only the window's own work may stand
between the start and the book.

Structural, not timed: a hook in the real process looks at `sys.modules` at the moment the
header first shows figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the real command line in the child; the hook only looks. The header's first figures at
# a start on a stored book are that book's (the service has not started: see the assertion on
# `known` below).
CHILD = """
import os
import sys

from monitor.ui.account_header import AccountHeader

shown = AccountHeader.show_account
seen = []


def show_account(self, snap, now):
    shown(self, snap, now)
    if not seen and self.health_text() not in ("", "\\u2014"):
        seen.append(1)
        loaded = sorted(m for m in os.environ["HEAVY"].split() if m in sys.modules)
        live = snap is not None and snap.known
        print(f"first figures: live={live} loaded={','.join(loaded) or '-'}", file=sys.stderr)


AccountHeader.show_account = show_account
from monitor.cli import main

sys.exit(main(sys.argv[1:]))
"""


HEAVY = ["ccxt", "pyqtgraph", "sqlalchemy", "importlib.metadata"]


def _smoke(url: str, tmp_path: Path, heavy: list[str]) -> str:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "HEAVY": " ".join(heavy)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, "--db", url, "--smoke-test"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "first paint" in out.stdout  # the smoke test's own line: it saw a frame and data
    (line,) = [s for s in out.stderr.splitlines() if s.startswith("first figures:")]
    return line


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_stored_book_is_shown_before_ccxt_pyqtgraph_and_sqlalchemy_are_imported(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    heavy = HEAVY
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'start.sqlite3'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
        heavy = [m for m in HEAVY if m != "importlib.metadata"]  # psycopg imports it itself
    _smoke(url, tmp_path, heavy)  # the first start makes the database and stores the demo's read
    line = _smoke(url, tmp_path, heavy)
    assert line == "first figures: live=False loaded=-"
