"""Account > Crash replay…: the dialog replays a preset crash on the selected account through
the service (its own thread; the window reads no candles) and charts each pool's health with
markers where it first reached warning, critical and 1.0 — checked against the venue's served
candles applied by hand to the pool's book (all cross, linear USDT contracts)."""

from __future__ import annotations

import json
import math
import urllib.request
from typing import Any

import numpy as np
from PySide6.QtWidgets import QApplication

from monitor.service.crash_replay import PRESET_CRASHES
from monitor.sources.sim.markets import market_by_name
from monitor.sources.sim.venue import SimVenue
from monitor.ui.app import MainWindow
from monitor.ui.crash_replay_dialog import CrashReplayDialog
from tests.ui.conftest import selected

CRASH = "2025-10-10 tariff crash"


def served(venue: SimVenue, market: str) -> np.ndarray:
    start, end = PRESET_CRASHES[CRASH]
    query = f"symbol={market}&interval=1m&startTime={start}&endTime={end}&limit=1500"
    with urllib.request.urlopen(f"{venue.url}/fapi/v1/markPriceKlines?{query}") as reply:
        return np.array([float(row[4]) for row in json.load(reply)])


def venue_maintenance(brackets: Any, notional: np.ndarray) -> np.ndarray:
    """Binance: MM = notional x maintMarginRatio - cum, in the bracket holding the notional."""
    out = np.zeros_like(notional)
    for b in brackets:
        inside = (notional >= b.floor) & (notional < b.cap)
        out[inside] = notional[inside] * b.rate - b.cum
    return out


def test_the_dialog_charts_a_preset_crash(qtbot: Any, window: MainWindow, venue: SimVenue) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Account")
    next(a for a in menu.actions() if a.text() == "Crash re&play…").trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, CrashReplayDialog))
    qtbot.addWidget(dialog)
    assert dialog.choice.currentText() == CRASH
    dialog.run_button.click()
    assert not dialog.run_button.isEnabled()  # the work is elsewhere: the window goes on
    qtbot.waitUntil(lambda: len(dialog.chart.curves) == 1, timeout=20_000)

    # The pool by hand: wallet + sum of s (P - E) over sum of N mmr - cum (the venue's bracket
    # holding the notional N = |s| P), each mark moved as its market's served closes moved.
    snap = selected(window)
    (pool,) = snap.pools
    wallet = pool.account.wallet_balance
    rows = []
    for p in pool.account.positions:
        closes = served(venue, p.symbol.split("/")[0] + "USDT")
        signed = p.contracts if p.side.value == "long" else -p.contracts
        rows.append((signed, p.entry_price, p.mark_price * closes / closes[0]))
    equity = wallet + sum(s * (price - e) for s, e, price in rows)
    maintenance = sum(
        venue_maintenance(market_by_name(venue.markets, p.symbol).brackets, abs(s) * price)
        for (s, _, price), p in zip(rows, pool.account.positions, strict=True)
    )
    health = equity / maintenance
    charted = dialog.chart.curves[0].getOriginalDataset()[1]
    assert np.allclose(charted, np.maximum(health, 0.5), rtol=1e-6)
    expected = {
        level: int(np.flatnonzero(health <= bound)[0]) / 60
        for level, bound in (("warning", 2.0), ("critical", 1.25), ("liquidation", 1.0))
        if (health <= bound).any()
    }
    assert expected  # the tariff crash takes this book at least to its warning
    markers = {level: hours for _, level, hours, _ in dialog.chart.markers}
    assert markers == expected
    worst = float(health.min())
    assert f"worst {worst:.2f}" in dialog.summary.text()
    assert math.isfinite(worst)
