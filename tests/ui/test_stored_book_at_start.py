"""At start the window shows the last stored book with its age before the service has fetched
anything — marked as the last known, never as live."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from monitor.commands.gui import Starter
from monitor.formats.portfolio import parse_portfolio
from monitor.service.deferred import DeferredService
from monitor.store import open_database
from monitor.ui.app import MainWindow
from tests.store.conftest import vector_cases

CASE = next(c for c in vector_cases() if c["id"] == "S16")  # a cross book of five positions
AGE = 300.0  # the stored read is five minutes old


def _stored_book(tmp_path: Path, read_at: float) -> str:
    """A database holding the case's book as read from the venue at `read_at`; its URL."""
    (account,) = parse_portfolio(CASE["portfolio"], CASE["id"])
    url = f"sqlite:///{tmp_path / 'book.sqlite3'}"
    with open_database(url) as db:
        account_id = db.accounts.add("desk", "simulated", venue="binanceusdm")
        db.positions.replace_live(
            account_id, account.wallet_balance, list(account.positions), read_at, None
        )
        db.source_status.set_success(account_id, read_at)
    return url


def _window_on_the_stored_book(qtbot: Any, tmp_path: Path, url: str) -> MainWindow:
    service = DeferredService()  # never bound here: the service has not started
    window = MainWindow(service, settings_path=tmp_path / "window.ini")  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    starter = Starter(service, url, demo=False)
    starter._show_stored_book()  # what the start thread does first
    qtbot.waitUntil(lambda: window.header.health_text() not in ("", "—"), timeout=5000)
    return window


def test_the_last_stored_book_shows_with_its_age_before_the_service_starts(
    qtbot: Any, tmp_path: Path
) -> None:
    read_at = time.time() - AGE
    window = _window_on_the_stored_book(qtbot, tmp_path, _stored_book(tmp_path, read_at))
    expected = CASE["expected"]["accounts"][0]["health_ratio"]
    assert window.header.health_text() == f"{expected:,.0f}"  # the published figure (>= 100)
    shown = window.presenter.latest
    assert shown is not None
    (snap,) = shown.accounts
    assert snap.health is not None
    assert snap.health.health_ratio == pytest.approx(expected, rel=CASE["rel_tolerance"])
    assert not snap.known  # never presented as live
    assert snap.status.last_success == read_at
    caption = window.header.band_caption.text()
    assert caption.startswith("last known · stale") and "5 min" in caption, caption
    row = [str(window.accounts_model.index(0, column).data()) for column in range(4)]
    assert row[2] == "waiting" and row[3] == "connecting…"  # not live


def test_a_chart_tab_opened_on_the_stored_book_builds_and_draws_its_chart(
    qtbot: Any, tmp_path: Path
) -> None:
    """The charts are built once live figures are painted (pyqtgraph held the start back);
    a trader who opens a chart's tab before then (a venue that does not answer) gets it."""
    window = _window_on_the_stored_book(qtbot, tmp_path, _stored_book(tmp_path, time.time()))
    assert not window.ladder_chart.built  # nothing live yet: not built behind the book
    window.tabs.setCurrentWidget(window.ladder_chart)
    (account,) = parse_portfolio(CASE["portfolio"], CASE["id"])

    def rows_drawn() -> int:
        if not window.ladder_chart.built:
            return 0
        levels = window.ladder_chart.chart().getPlotItem().getAxis("left")._tickLevels
        return len(levels[0]) if levels else 0

    qtbot.waitUntil(lambda: rows_drawn() == len(account.positions), timeout=5000)
