"""`accounts add` where the keys have nowhere to go, or no terminal to be typed in: it says so
with the choices before asking for any secret (issue 12's "no keyring, yet the advice fails")."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from monitor.cli import main


def _no_secret_asked(_prompt: str = "") -> str:
    raise AssertionError("asked for a secret it could not keep")


def test_no_keyring_no_environment_no_file_fails_before_asking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("MARGIN_MONITOR_API_KEY", "MARGIN_MONITOR_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getpass", _no_secret_asked)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        db = f"sqlite:///{tmp_path / 'k.sqlite'}"
        code = main(["--db", db, "accounts", "add", "x", "--exchange", "binanceusdm"])
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert code != 0
    assert "MARGIN_MONITOR_API_KEY" in err and "--credentials-file" in err


def test_no_terminal_to_type_the_keys_in_is_said_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def closed(_prompt: str = "") -> str:
        raise EOFError

    for name in ("MARGIN_MONITOR_API_KEY", "MARGIN_MONITOR_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getpass", closed)
    db = f"sqlite:///{tmp_path / 'k.sqlite'}"
    code = main(["--db", db, "accounts", "add", "x", "--exchange", "binanceusdm"])
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert "no terminal to type the keys in" in err and "EOFError" not in err
