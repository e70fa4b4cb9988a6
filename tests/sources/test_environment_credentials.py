"""Credentials from the environment, a first-class choice (issue 12): on a machine with no OS
keyring (a server running `watch`), `accounts add` with MARGIN_MONITOR_API_* set records that
the account reads its keys from the environment, and the service reads them there."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from monitor.cli import main
from monitor.service.sources import connection_for
from monitor.sources.exchange.errors import AuthFailed
from monitor.store import open_database


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_no_keyring_and_keys_in_the_environment_is_a_working_account(
    no_keyring: None,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = db_url
    monkeypatch.setenv("MARGIN_MONITOR_API_KEY", "env-key")
    monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", "env-secret")
    assert main(["--db", db, "accounts", "add", "srv", "--exchange", "binanceusdm"]) == 0
    out = capsys.readouterr().out
    assert "MARGIN_MONITOR_API_KEY" in out and "env-key" not in out
    with open_database(db) as store:
        record = store.accounts.by_name("srv")
    assert record is not None and record.credentials_ref is None
    assert record.settings["credentials_from"] == "environment"
    assert connection_for(record, None).credentials.secret == "env-secret"
    # A run without them says which variables, never a key.
    monkeypatch.delenv("MARGIN_MONITOR_API_KEY")
    monkeypatch.delenv("MARGIN_MONITOR_API_SECRET")
    with pytest.raises(AuthFailed, match="MARGIN_MONITOR_API_KEY"):
        connection_for(record, None)


def test_no_keyring_and_no_environment_still_fails_with_the_choices(
    no_keyring: None,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("MARGIN_MONITOR_API_KEY", "MARGIN_MONITOR_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": "typed")
    db = db_url
    assert main(["--db", db, "accounts", "add", "srv", "--exchange", "binanceusdm"]) == 1
    err = capsys.readouterr().err
    assert "--credentials-file" in err and "typed" not in err


def test_a_keyring_account_on_a_machine_without_one_never_takes_the_environments_keys(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Added where a keyring exists, run where none does (a server) with another venue's keys
    in the environment: the account stops with the reason; those keys are never sent."""
    db = db_url
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": "okx-typed")
    assert main(["--db", db, "accounts", "add", "okx-main", "--exchange", "okx"]) == 0
    with open_database(db) as store:
        record = store.accounts.by_name("okx-main")
    assert record is not None and record.credentials_ref is not None
    monkeypatch.setenv("MARGIN_MONITOR_API_KEY", "binance-key")
    monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", "binance-secret")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(AuthFailed, match="keys are in an OS keyring") as caught:
            connection_for(record, None)
    finally:
        keyring.set_keyring(previous)
    assert "binance" not in str(caught.value)
