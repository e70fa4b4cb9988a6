"""Database failures in one plain line, exit 3, nothing overwritten (issue 12): a file that is
not a database, a corrupt page, a database made by a newer version, a locked database.

SQLite only, by nature (files, pages, the file lock), except the newer schema, which also runs
on PostgreSQL. PostgreSQL's counterparts: test_missing_database.py (no such database, no
server) and test_concurrency.py (a writer kept waiting)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from monitor.cli import main
from tests.store.conftest import EXAMPLE


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["--db", f"sqlite:///{path}", "check"])
    return status, capsys.readouterr().err


def _imported(path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["--db", f"sqlite:///{path}", "import", str(EXAMPLE)]) == 0
    capsys.readouterr()
    return path


def test_a_file_that_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"not a database at all\n" * 100)
    before = path.read_bytes()
    status, err = _check(path, capsys)
    assert status == 3
    assert len(err.strip().splitlines()) == 1 and "file is not a database" in err
    assert path.read_bytes() == before


def test_a_corrupt_page_is_one_plain_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = _imported(tmp_path / "book.sqlite", capsys)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page, len(data), page):  # every page but the header's: garbage
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    status, err = _check(path, capsys)
    assert status == 3
    assert len(err.strip().splitlines()) == 1, err
    assert "[SQL:" not in err and "SELECT" not in err  # no statement dump


def test_a_newer_schema_is_named_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _imported(tmp_path / "book.sqlite", capsys)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d9999'")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()
    status, err = _check(path, capsys)
    assert status == 3
    assert len(err.strip().splitlines()) == 1
    assert "made by a newer Margin Monitor (schema f00d9999" in err
    assert "Can't locate revision" not in err
    assert path.read_bytes() == before


def test_a_locked_database_is_one_plain_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """Another program holds the write lock: a writing command waits the busy timeout, then
    says so in one line naming the file, and the other program's data is untouched."""
    from monitor.store import database

    path = _imported(tmp_path / "book.sqlite", capsys)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        status = main(["--db", f"sqlite:///{path}", "import", str(EXAMPLE)])
        err = capsys.readouterr().err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 3
    assert len(err.strip().splitlines()) == 1, err
    assert str(path) in err and "locked by another program" in err and "0.2 s" in err
    assert _check(path, capsys)[0] != 3  # still the imported book, readable


def test_a_newer_schema_on_postgresql_is_named_and_left_alone(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", postgres_url, "import", str(EXAMPLE)]) == 0
    engine = create_engine(postgres_url)
    dump = "SELECT version_num, (SELECT count(*) FROM positions) FROM alembic_version"
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'f00d9999'"))
        capsys.readouterr()
        assert main(["--db", postgres_url, "check"]) == 3
        err = capsys.readouterr().err
        with engine.connect() as conn:
            assert conn.execute(text(dump)).all() == [("f00d9999", 2)]  # untouched
    finally:
        engine.dispose()
    assert len(err.strip().splitlines()) == 1
    assert "made by a newer Margin Monitor (schema f00d9999" in err
