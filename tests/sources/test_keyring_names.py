"""An account's keyring entry and the app's own secrets cannot collide (issue 12): an account
named "webhooks" neither breaks nor deletes the saved webhooks. In-memory keyring."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.service import webhook_config
from monitor.sources.exchange import credentials as vault
from tests.keyring_memory import MemoryKeyring, use_memory_keyring

HOOK = "json=https://hooks.example.com/alerts"


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    yield from use_memory_keyring()


def test_an_account_named_webhooks_leaves_the_webhooks_alone(
    memory: MemoryKeyring, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = db_url
    webhook_config.save([HOOK])
    monkeypatch.setenv("MARGIN_MONITOR_API_KEY", "k")
    monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", "s")
    assert main(["--db", db, "accounts", "add", "webhooks", "--exchange", "binanceusdm"]) == 0
    assert webhook_config.stored() == [HOOK]  # not the account's credentials
    assert vault.load("webhooks").api_key == "k"
    assert main(["--db", db, "accounts", "remove", "webhooks"]) == 0
    assert webhook_config.stored() == [HOOK]  # removing the account kept them


def test_webhooks_saved_beside_the_accounts_are_moved_once(memory: MemoryKeyring) -> None:
    memory.set_password(vault.SERVICE, "webhooks", json.dumps([HOOK]))  # an older version's
    assert webhook_config.stored() == [HOOK]
    assert (vault.SERVICE, "webhooks") not in memory.items
    assert memory.items[(vault.APP_SERVICE, "webhooks")] == json.dumps([HOOK])


def test_an_old_accounts_credentials_are_never_taken_for_webhooks(memory: MemoryKeyring) -> None:
    vault.save("webhooks", vault.Credentials("k", "s"))  # an account of that name
    assert webhook_config.stored() == []
    assert vault.load("webhooks").secret == "s"


def test_adding_a_taken_name_leaves_that_accounts_keys_alone(
    memory: MemoryKeyring, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second `accounts add` under a stored name is refused without touching the stored
    account's secrets (it used to overwrite them, then delete them on the name clash)."""
    db = db_url
    keys = tmp_path / "keys.json"
    for name, where in (("kept", []), ("filed", ["--credentials-file", str(keys)])):
        monkeypatch.setenv("MARGIN_MONITOR_API_KEY", "k1")
        monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", "s1")
        add = ["--db", db, "accounts", "add", name, "--exchange", "binanceusdm", *where]
        assert main(add) == 0
        monkeypatch.setenv("MARGIN_MONITOR_API_KEY", "k2")
        monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", "s2")
        assert main(add) == 1
    assert vault.load("kept") == vault.Credentials("k1", "s1")
    assert vault.load_from_file(keys, "filed") == vault.Credentials("k1", "s1")
