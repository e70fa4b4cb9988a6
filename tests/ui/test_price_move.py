"""A price move on the venue reaches the header within a few refresh intervals."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from monitor.ui import formatting as fmt
from monitor.ui.app import MainWindow
from monitor.ui.presenter import REDRAW_MS
from tests.ui.conftest import LiveVenue, book, open_window, selected
from tests.ui.engine_truth import health_of, real_account


def price_move_reaches_header(
    qtbot: Any, window: MainWindow, move_price: Callable[[str, float], Any], timeout_ms: int
) -> None:
    start = selected(window)
    symbol = book(start).positions[0].symbol
    before = window.header.health_text()
    move_price(symbol, 0.9)  # a 10 % drop of the first position's mark

    def header_shows_the_engines_value() -> bool:
        snap = selected(window)
        if book(snap).positions[0].mark_price == book(start).positions[0].mark_price:
            return False
        truth = health_of(real_account(snap)).health_ratio
        return window.header.health_text() == fmt.health(truth)

    qtbot.waitUntil(header_shows_the_engines_value, timeout=timeout_ms)
    assert window.header.health_text() != before
    moved = book(selected(window)).positions[0].mark_price
    assert math.isclose(moved, book(start).positions[0].mark_price * 0.9, rel_tol=1e-6)


def test_price_move_on_the_simulated_venue_reaches_the_header(
    qtbot: Any, live_service: LiveVenue, tmp_path: Any
) -> None:
    window = open_window(qtbot, live_service.service, tmp_path)
    intervals = 4 * live_service.refresh_interval_s * 1000 + REDRAW_MS
    price_move_reaches_header(qtbot, window, live_service.move_price, int(intervals))
