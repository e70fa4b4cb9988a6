"""The window's process hands the interpreter over within half a millisecond (switch_interval.py):
set from its start, before its threads (the stored book's read, the service's) run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from monitor import cli
from monitor.commands import gui


def test_the_window_s_process_hands_the_interpreter_over_within_half_a_millisecond(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sys.getswitchinterval() == pytest.approx(0.005)  # Python's default, this process's
    seen: list[float] = []

    def window(service: Any, theme: Any) -> int:  # where the window would run
        seen.append(sys.getswitchinterval())
        return 0

    monkeypatch.setattr(gui, "_smoke", window)
    try:
        assert cli.main(["--db", f"sqlite:///{tmp_path / 'book.sqlite'}", "--smoke-test"]) == 0
    finally:
        sys.setswitchinterval(0.005)
    assert seen == [pytest.approx(0.0005)]
