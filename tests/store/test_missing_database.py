"""A typo in the database path is never "OK" (issue 12): check, export, watch and the accounts
commands that only read open an existing database; a missing one is exit 3 (check, export,
watch) naming the path, and nothing is created. import and accounts add create one."""

from __future__ import annotations

import json
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
