"""Which database is opened: --db, then $MARGIN_MONITOR_DB, then the user data dir."""

from __future__ import annotations

from monitor.store import ENV_VAR, open_database, resolve_url
from tests.store.conftest import EXAMPLE


def test_default_is_a_file_in_the_platform_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # platformdirs on Linux
    expected = tmp_path / "data" / "margin-monitor" / "margin-monitor.sqlite3"
    assert resolve_url(None) == f"sqlite:///{expected}"
    with open_database(None) as db:
        db.accounts.add("a", "manual", wallet_balance=1.0)
    assert expected.is_file()


def test_the_environment_overrides_the_default_and_db_overrides_both(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.sqlite3"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    assert resolve_url("sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"
    assert resolve_url("postgresql+psycopg://u:p@h/book") == "postgresql+psycopg://u:p@h/book"
    assert resolve_url(str(tmp_path / "arg.sqlite3")) == f"sqlite:///{tmp_path / 'arg.sqlite3'}"


def test_an_unusable_location_is_one_clear_error(tmp_path, capsys):
    from monitor.cli import main

    missing_dir = tmp_path / "no" / "such" / "dir" / "x.sqlite3"
    status = main(["--db", str(missing_dir), "import", str(EXAMPLE)])  # import may create
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith(f"margin-monitor import: database sqlite:///{missing_dir}: cannot open")
    assert len(err.strip().splitlines()) == 1
    status = main(["--db", str(missing_dir), "export", "-"])  # export only reads
    err = capsys.readouterr().err
    assert status == 3
    assert err.startswith(f"margin-monitor export: database {missing_dir}: no such file")
    assert len(err.strip().splitlines()) == 1
    status = main(["--db", "nosuchdialect://x", "check", "--json"])
    assert status == 3
    assert "not a usable URL" in capsys.readouterr().err
