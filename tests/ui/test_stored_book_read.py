"""The stored book's read (stored_book_read.py) outliving the window: it tells no one."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from monitor import cli
from monitor.commands import gui, stored_book_read


def test_a_window_closed_before_the_stored_book_is_read_is_not_told_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read ends after the window and its start gate are gone (a slow database, a window
    closed at once): it raised on its thread ("Signal source has been deleted"), a traceback
    on the app's stderr."""
    errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    release = threading.Event()
    read = stored_book_read.show_stored_book

    def slow_read(service: Any, url: str | None) -> bool:
        release.wait(10)
        return read(service, url)

    monkeypatch.setattr(stored_book_read, "show_stored_book", slow_read)
    monkeypatch.setattr(gui, "_smoke", lambda service, theme: 0)  # the window closes at once
    before = sys.getswitchinterval()
    try:
        assert cli.main(["--db", f"sqlite:///{tmp_path / 'book.sqlite'}", "--smoke-test"]) == 0
    finally:
        sys.setswitchinterval(before)  # the window's process sets its own (switch_interval.py)
    (reader,) = [t for t in threading.enumerate() if t.name == "monitor-stored-book"]
    gc.collect()  # the start gate, gone with the window
    release.set()
    reader.join(10)
    assert not reader.is_alive()
    assert errors == []
