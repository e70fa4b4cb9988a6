"""PySide6 6.12.0 dropped a reference to True on every Signal.emit and aborted the interpreter
after a few thousand emits; pyproject excludes it. This fails (or aborts) on such a build."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Chatty(QObject):
    said = Signal(object)


def test_emitting_signals_does_not_leak_references_to_true(qapp) -> None:
    chatty = _Chatty()
    heard: list[object] = []
    chatty.said.connect(heard.append)
    before = sys.getrefcount(True)
    for i in range(20_000):
        chatty.said.emit(i)
    assert len(heard) == 20_000
    assert abs(sys.getrefcount(True) - before) < 100
