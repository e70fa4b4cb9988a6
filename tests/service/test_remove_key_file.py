"""Removing an account whose keys are in a credentials file removes its entry from the file
(other accounts' entries stay, the file stays owner-only), from the CLI and from the window's
service alike; no secret in what is printed."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from monitor.cli import main
from monitor.service.api import Credentials
from monitor.sources.exchange import credentials as vault
from monitor.store import open_database

KEEP = Credentials("other-key", "other-secret")
GONE = Credentials("gone-key", "gone-secret-XYZ")


def _account_with_key_file(db: Any, tmp_path: Path) -> tuple[int, Path]:
    path = tmp_path / "keys.json"
    vault.save_to_file(path, "other", KEEP)
    vault.save_to_file(path, "gone", GONE)
    account_id = db.accounts.add(
        "gone",
        "exchange",
        venue="binanceusdm",
        credentials_ref="gone",
        settings={"exchange_id": "binanceusdm", "api_url": "http://127.0.0.1:9",
                  "credentials_file": str(path)},
    )  # fmt: skip
    return account_id, path


def _left(path: Path) -> dict[str, Any]:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return dict(json.loads(path.read_text()))


def test_accounts_remove_deletes_its_entry_from_the_credentials_file(db_url, tmp_path, capsys):
    with open_database(db_url) as db:
        _, path = _account_with_key_file(db, tmp_path)
    assert main(["--db", db_url, "accounts", "remove", "gone"]) == 0
    out = capsys.readouterr()
    assert "removed gone" in out.out and str(path) in out.out
    assert GONE.secret not in out.out + out.err
    assert _left(path) == {"other": {"api_key": "other-key", "secret": "other-secret",
                                     "password": ""}}  # fmt: skip
    assert vault.load_from_file(path, "other") == KEEP


def test_the_window_removing_an_account_deletes_its_file_entry(db, tmp_path, make_service):
    account_id, path = _account_with_key_file(db, tmp_path)
    service, _ = make_service()
    service.start()
    service.remove_account(account_id).result(timeout=10)
    assert "gone" not in _left(path) and "other" in _left(path)
    assert db.accounts.by_name("gone") is None
