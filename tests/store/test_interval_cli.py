"""The refresh interval of an exchange account: settable when added and later, 1-300 s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitor.cli import main
from monitor.service.monitor_service import MonitorService
from monitor.store import open_database
from tests.keyring_memory import MemoryKeyring, use_memory_keyring


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    yield from use_memory_keyring()


def test_interval_on_add_and_set(db_url, capsys, monkeypatch, memory):
    db = db_url
    monkeypatch.setenv("MARGIN_MONITOR_API_KEY", "k")
    monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", "s")
    assert main(["--db", db, "accounts", "add", "a", "--exchange", "bybit"]) == 0
    assert main(["--db", db, "accounts", "add", "b", "--exchange", "okx", "--interval", "1.5"]) == 0
    assert main(["--db", db, "accounts", "set", "a", "--interval", "30"]) == 0
    with open_database(db) as store:
        service = MonitorService(store)
        a, b = store.accounts.by_name("a"), store.accounts.by_name("b")
        assert (service.interval(a), service.interval(b)) == (30.0, 1.5)
        store.accounts.update(a.account_id, settings={"exchange_id": "bybit"})
        assert service.interval(store.accounts.by_name("a")) == 2.0  # a venue's default


@pytest.mark.parametrize("value", ["0.5", "301"])
def test_an_interval_out_of_range_is_refused_naming_the_flag(db_url, capsys, value, memory):
    assert main(["--db", db_url, "accounts", "set", "nobody", "--interval", value]) == 1
    err = capsys.readouterr().err
    assert "--interval: the refresh interval must be 1 to 300 seconds" in err
