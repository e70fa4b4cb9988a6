"""A typo in the database path is never "OK" (issue 12): check, export, watch and the accounts
commands that only read open an existing database; a missing one is exit 3 (check, export,
watch) naming the path, and nothing is created. import and accounts add create one."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from monitor.cli import main
from tests.store.conftest import EXAMPLE


@pytest.fixture
def typo(tmp_path: Path) -> Path:
    return tmp_path / "tpyo.db"


@pytest.mark.parametrize(
    "command",
    [["check"], ["check", "--json"], ["check", "--refresh"], ["export", "-"], ["watch"]],
)
def test_a_missing_database_is_exit_3_naming_the_path(
    typo: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main(["--db", f"sqlite:///{typo}", *command]) == 3
    captured = capsys.readouterr()
    assert str(typo) in captured.err and "no such file" in captured.err
    assert not typo.exists()  # no empty database left behind
    if "--json" in command:
        assert "no such file" in json.loads(captured.out)["error"]


@pytest.mark.parametrize("command", [["accounts", "list"], ["accounts", "remove", "x"]])
def test_the_reading_account_commands_create_nothing(
    typo: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main(["--db", f"sqlite:///{typo}", *command]) == 1
    assert str(typo) in capsys.readouterr().err
    assert not typo.exists()


def test_import_creates_the_database(typo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", f"sqlite:///{typo}", "import", str(EXAMPLE)]) == 0
    assert typo.exists()
    assert main(["--db", f"sqlite:///{typo}", "check"]) in (0, 1, 2)


# --- PostgreSQL: a typo in the database's name, and a server that does not answer -----------
# Margin Monitor makes the tables, never the database (that is the server owner's call).

READING = [["check"], ["check", "--json"], ["export", "-"], ["watch"]]


@pytest.mark.parametrize("command", READING)
def test_a_missing_postgresql_database_is_exit_3_naming_it(
    postgres_cluster, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    url = postgres_cluster.url("tpyo").replace("://monitor@", "://monitor:s3cret-pw@")
    assert main(["--db", url, *command]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "/tpyo: no such database" in err and "s3cret-pw" not in err
    assert "tpyo" not in postgres_cluster.databases()


@pytest.mark.parametrize("command", [["import", str(EXAMPLE)], ["accounts", "list"]])
def test_no_command_makes_a_postgresql_database(
    postgres_cluster, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main(["--db", postgres_cluster.url("tpyo"), *command]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "/tpyo: no such database" in err
    assert "tpyo" not in postgres_cluster.databases()


@pytest.mark.parametrize("command", READING)
def test_an_unreachable_server_is_one_line_exit_3_without_the_password(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    url = "postgresql+psycopg://u:pw@127.0.0.1:1/db"  # nothing listens on port 1
    assert main(["--db", url, *command]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "postgresql+psycopg://u:***@127.0.0.1:1/db" in err and "pw@" not in err
    assert "Connection refused" in err


def test_a_server_that_never_answers_is_given_up_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.store import postgresql

    monkeypatch.setattr(postgresql, "CONNECT_TIMEOUT_SECONDS", 2)  # libpq's least
    with socket.socket() as silent:  # takes the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"postgresql+psycopg://u:pw@127.0.0.1:{silent.getsockname()[1]}/db"
        started = time.monotonic()
        assert main(["--db", url, "check"]) == 3
        waited = time.monotonic() - started
    err = capsys.readouterr().err
    assert 1.5 < waited < 10, waited
    assert len(err.strip().splitlines()) == 1 and "timeout" in err and "pw@" not in err
