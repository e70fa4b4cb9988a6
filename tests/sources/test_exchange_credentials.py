"""Credentials live in the keyring (in-memory backend here); no keyring is a plain error."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from monitor.cli import main
from monitor.service.api import Credentials
from monitor.sources.exchange import credentials as vault
from tests.keyring_memory import MemoryKeyring, use_memory_keyring


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    yield from use_memory_keyring()


def test_round_trip_under_the_service_name(memory: MemoryKeyring) -> None:
    vault.save("main", Credentials("k", "s", "p"))
    assert ("margin-monitor", "main") in memory.items
    assert vault.load("main") == Credentials("k", "s", "p")
    vault.delete("main")
    assert vault.load("main") == Credentials()


def test_no_backend_is_a_plain_error_offering_alternatives() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        with pytest.raises(vault.NoKeyring, match="--credentials-file PATH") as caught:
            vault.save("main", Credentials("k", "s"))
        assert "MARGIN_MONITOR_API_KEY" in str(caught.value)
    finally:
        keyring.set_keyring(previous)


def test_credentials_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "creds.json"
    vault.save_to_file(path, "main", Credentials("k", "s"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_accounts_add_list_remove(
    memory: MemoryKeyring,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = db_url
    monkeypatch.setenv("MARGIN_MONITOR_API_KEY", "env-key")
    monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", "env-secret")
    assert main(["--db", db, "accounts", "add", "main", "--exchange", "bybit", "--sandbox"]) == 0
    assert vault.load("main") == Credentials("env-key", "env-secret", "")
    assert (
        main(
            [
                "--db",
                db,
                "accounts",
                "add",
                "hl",
                "--exchange",
                "hyperliquid",
                "--wallet",
                "0x" + "1" * 40,
            ]
        )
        == 0
    )
    assert main(["--db", db, "accounts", "list"]) == 0
    listed = capsys.readouterr().out
    assert "main\texchange\tbybit\tsandbox" in listed and "hl\texchange\thyperliquid" in listed
    assert main(["--db", db, "accounts", "remove", "main"]) == 0
    assert vault.load("main") == Credentials()
    assert main(["--db", db, "accounts", "remove", "main"]) == 1


def test_secrets_are_not_accepted_on_the_command_line(memory: MemoryKeyring) -> None:
    with pytest.raises(SystemExit):
        main(["accounts", "add", "x", "--exchange", "bybit", "--api-secret", "s"])
