"""A new database file is its owner's only: positions, balances and alert history do not belong
to every user of a shared machine (issue 12).

SQLite only, by nature: file modes. (A PostgreSQL database's rights are its server's; what these
tests share with it, a password never shown, runs on both: the last test here, and
test_missing_database.py against a real server.)"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from monitor.domain.model import Maintenance, Position, Side
from monitor.store.database import open_database
from monitor.store.location import default_path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_file_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: files would be world-readable
    try:
        path = tmp_path / "book.sqlite"
        with open_database(f"sqlite:///{path}") as db:
            account = db.accounts.add("a", "manual", wallet_balance=1.0)
            position = Position("BTC/USDT:USDT", Side.LONG, 1, 1.0, 1.0, Maintenance.flat(0.01))
            db.positions.replace_live(account, 1.0, [position], time.time())
            assert _mode(path) == 0o600
            wal = path.with_name(path.name + "-wal")
            assert wal.exists() and _mode(wal) == 0o600
    finally:
        os.umask(old)


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    open_database(f"sqlite:///{path}").close()
    assert _mode(path) == 0o640  # the trader's choice


def test_the_default_directory_is_made_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MARGIN_MONITOR_DB", raising=False)
    open_database().close()
    assert _mode(default_path().parent) == 0o700
    assert _mode(default_path()) == 0o600


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://trader:s3cret-pw@127.0.0.1:1/book",  # nobody listens there
        "nosuchdialect://trader:s3cret-pw@db.example/book",
    ],
)
def test_a_database_error_never_shows_the_password(url: str) -> None:
    from monitor.store import StoreError

    with pytest.raises(StoreError) as raised:
        open_database(url)
    message = str(raised.value)
    assert "s3cret-pw" not in message
    assert "trader" in message  # the rest of the URL still says which database
