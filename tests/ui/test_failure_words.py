"""A failing account says what failed and what to do, in words: the header's note and the
account list's tooltip carry the diagnosis (monitor/sources/exchange/diagnosis.py), the raw
library text stays in the note's tooltip — never the library's class name in the sentence,
never a URL's query string (a signature) anywhere. The simulated venue answers 502."""

from __future__ import annotations

from typing import Any

from monitor.service.snapshot import SourceState
from monitor.ui.app import MainWindow
from tests.ui.conftest import KEY, Rig, selected


def test_a_failing_venue_is_told_in_a_traders_sentence(
    qtbot: Any, rig: Rig, window: MainWindow
) -> None:
    rig.venue.faults.set("server_error", 502, api_key=KEY)
    qtbot.waitUntil(lambda: selected(window).status.state is SourceState.ERROR, timeout=10_000)
    header = window.header
    qtbot.waitUntil(lambda: "HTTP 502" in header.note.text(), timeout=10_000)
    note = header.note.text()
    assert "binanceusdm answered HTTP 502: the venue is down or overloaded" in note
    assert "ExchangeNotAvailable" not in note and "http://" not in note  # no library text
    raw = header.note.toolTip()
    assert "502" in raw and "ExchangeNotAvailable" in raw  # the detail, for who wants it
    assert "?" not in raw and "signature" not in raw  # no query string: no signature
    # The account list says it too, the detail under it.
    model = window.accounts_model
    tips = [str(model.item(0, c).toolTip()) for c in range(model.columnCount())]
    assert any("the venue is down or overloaded" in t and "details: " in t for t in tips)
    # The alert it raises (the banner, the status bar, the webhooks) says it in words too.
    qtbot.waitUntil(lambda: "source error" in window.banner.text.text(), timeout=10_000)
    banner = window.banner.text.text()
    assert "answered HTTP 502: the venue is down or overloaded" in banner
    assert "ExchangeNotAvailable" not in banner and "http://" not in banner
