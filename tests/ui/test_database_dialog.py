"""A database the window cannot use brings a dialog naming it that offers another (issue 12);
the failed file is left exactly as it was, and the window then runs on the chosen one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from monitor.commands.gui import Starter
from monitor.service.deferred import DeferredService
from monitor.ui.database_dialog import OPEN_ANOTHER, QUIT, DatabaseDialog, ask_for_database


def _newer(path: Path) -> Path:
    """A database made by a later version of the app: a schema revision this one lacks."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")  # as the app makes its files
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    return path


def test_a_database_it_cannot_use_is_named_and_another_is_opened(
    qtbot: Any, tmp_path: Path
) -> None:
    bad = _newer(tmp_path / "newer.sqlite")
    with sqlite3.connect(bad) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = bad.read_bytes()
    good = tmp_path / "fresh.sqlite"
    asked: list[tuple[str, str]] = []

    def ask(where: str, reason: str) -> str | None:
        asked.append((where, reason))
        return f"sqlite:///{good}"

    service = DeferredService()
    snapshots: list[Any] = []
    service.subscribe(snapshots.append)  # the window subscribes before any start
    starter = Starter(service, f"sqlite:///{bad}", demo=False, ask=ask)
    try:
        starter.start()
        qtbot.waitUntil(lambda: bool(asked), timeout=15_000)
        where, reason = asked[0]
        assert str(bad) in where and "newer" in reason
        # The start on the chosen file binds the service; the early subscriber hears it.
        qtbot.waitUntil(lambda: bool(snapshots), timeout=30_000)
        assert good.exists()
    finally:
        starter.stop()
    with sqlite3.connect(bad) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert bad.read_bytes() == before  # never migrated, never replaced


def test_the_dialog_offers_another_database_or_quit(qtbot: Any, tmp_path: Path) -> None:
    chosen = tmp_path / "other.sqlite"

    def click(text: str) -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, DatabaseDialog))
        assert "/data/book.sqlite" in dialog.text()
        next(b for b in dialog.buttons() if b.text() == text).click()

    QTimer.singleShot(100, lambda: click(OPEN_ANOTHER))
    url = ask_for_database("/data/book.sqlite", "locked", None, choose=lambda _p: str(chosen))
    assert url == f"sqlite:///{chosen.resolve()}"
    QTimer.singleShot(100, lambda: click(QUIT))
    assert ask_for_database("/data/book.sqlite", "locked", None, choose=lambda _p: "x") is None
