"""Every position says where its mark comes from: typed marks are labelled in the cell, and a
manual account with a venue can replace them with the venue's public marks (the simulated
Binance on loopback, through the real ccxt), which survive a restart as the venue's."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from monitor.domain.model import Maintenance, Position, Side
from monitor.sources.exchange.public import PublicMarks
from monitor.sources.sim.venue import SimVenue
from monitor.store.database import Database
from monitor.ui import formatting as fmt
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import HEADERS
from tests.service.conftest import wait_for
from tests.ui.conftest import open_window, selected

MARK_COLUMN = HEADERS.index("Mark")
ETH = Position("ETH/USDT:USDT", Side.LONG, 2, 3_000, 3_000, Maintenance.flat(0.005))


def public_marks(exchange_id: str, api_url: str | None) -> PublicMarks:
    return PublicMarks(exchange_id, api_url=api_url, enable_rate_limit=False)


def mark_cell(window: MainWindow, row: int = 0) -> tuple[str, str]:
    index = window.positions_model.index(row, MARK_COLUMN)
    return str(index.data()), str(window.positions_model.item(row, MARK_COLUMN).toolTip())


def test_a_venues_rows_say_their_mark_was_read_not_typed(qtbot: Any, window: MainWindow) -> None:
    """The demo account (read from the simulated venue): no row is labelled typed, each
    says it was read (REST or the live stream), and each row knows when."""
    assert window.positions_model.rowCount() == 3
    for i in range(window.positions_model.rowCount()):
        row = window.positions_model.position_row(i)
        assert row is not None
        text, tip = mark_cell(window, i)
        assert "typed" not in text and "typed" not in tip
        assert "REST read from the venue" in tip or "live stream from the venue" in tip
        assert row.mark_source in ("rest", "stream") and row.mark_at is not None


def test_typed_marks_are_labelled_and_refresh_to_the_venues_marks(
    qtbot: Any,
    tmp_path: Any,
    db: Database,
    venue: SimVenue,
    make_service: Callable[..., Any],
) -> None:
    venue.set_marks({"ETH": 3_210.0})
    account_id = db.accounts.add(
        "book",
        "manual",
        venue="binanceusdm",
        collateral="USDT",
        wallet_balance=5_000.0,
        settings={"marks_api_url": venue.url},
    )
    db.positions.save(account_id, ETH)
    service, _ = make_service(marks_factory=public_marks)
    service.start()
    window = open_window(qtbot, service, tmp_path)

    text, tip = mark_cell(window)
    assert text == "3,000.0 · typed"  # what the trader typed, and that it was typed
    assert "typed by hand" in tip and "Refresh marks from binanceusdm" in tip

    window.menu.enable_account_actions()  # as when the Account menu opens
    assert window.menu.marks_action.isEnabled()
    assert window.menu.marks_action.text() == "Refresh &marks from binanceusdm"
    window.menu.marks_action.trigger()

    venue_mark = venue.marks()["ETHUSDT"]  # the simulated venue's own figure
    assert venue_mark == 3_210.0
    qtbot.waitUntil(lambda: mark_cell(window)[0] == fmt.price(venue_mark), timeout=10_000)
    assert "binanceusdm public ticker, read at" in mark_cell(window)[1]
    assert selected(window).account is not None
    assert selected(window).account.positions[0].mark_price == venue_mark  # the engine's too

    # A restart: the store holds the venue's mark, still known as the venue's.
    again, recorder = make_service(marks_factory=public_marks)
    again.start()
    snap = wait_for(lambda: recorder.latest("book"))
    assert snap.account.positions[0].mark_price == venue_mark
    origin = snap.mark_origin("ETH/USDT:USDT")
    assert origin is not None and origin.source == "public" and origin.price == venue_mark


def test_refreshing_marks_without_a_venue_is_refused_in_words(
    qtbot: Any, tmp_path: Any, db: Database, make_service: Callable[..., Any]
) -> None:
    account_id = db.accounts.add("book", "manual", collateral="USDT", wallet_balance=5_000.0)
    db.positions.save(account_id, ETH)
    service, _ = make_service()
    service.start()
    window = open_window(qtbot, service, tmp_path)
    window.menu.enable_account_actions()
    assert not window.menu.marks_action.isEnabled()
    text, tip = mark_cell(window)
    assert text == "3,000.0 · typed" and "Refresh marks" not in tip
    failure = service.refresh_marks(account_id).exception(timeout=10)
    assert isinstance(failure, ValueError)
    assert "'book'" in str(failure) and "no venue" in str(failure)


def test_a_typed_mark_says_how_long_ago_it_was_typed(
    qtbot: Any, tmp_path: Any, db: Database, make_service: Callable[..., Any]
) -> None:
    account_id = db.accounts.add("book", "manual", collateral="USDT", wallet_balance=5_000.0)
    typed_at = time.time() - (3 * 3600 + 120)  # three hours and two minutes ago
    db.positions.save(account_id, ETH, typed_at=typed_at)
    service, _ = make_service()
    service.start()
    window = open_window(qtbot, service, tmp_path)
    row = window.positions_model.position_row(0)
    assert row is not None and (row.mark_source, row.mark_at) == ("typed", typed_at)
    text, tip = mark_cell(window)
    assert text == "3,000.0 · typed 3 h ago"
    assert "typed by hand 3 h ago" in tip
    assert time.strftime("%H:%M", time.localtime(typed_at)) in tip  # and at what clock time


def test_the_service_stamps_a_saved_mark_with_its_clock(
    db: Database, make_service: Callable[..., Any]
) -> None:
    account_id = db.accounts.add("book", "manual", collateral="USDT", wallet_balance=5_000.0)
    service, recorder = make_service(clock=lambda: 1_800_000_000.0)
    service.start()
    service.save_position(account_id, ETH).result(timeout=10)
    (stored,) = db.positions.list(account_id)
    assert stored.mark_typed_at == 1_800_000_000.0
    snap = wait_for(lambda: recorder.latest("book"))
    assert snap.pools[0].refs[0].mark_typed_at == 1_800_000_000.0


def test_a_typed_marks_age_keeps_counting_with_nothing_new(
    qtbot: Any, tmp_path: Any, db: Database, make_service: Callable[..., Any]
) -> None:
    """A manual book publishes nothing new while nobody types: its typed marks' ages still
    move on ("just now" -> "1 min ago"), as the header's ages do."""
    account_id = db.accounts.add("book", "manual", collateral="USDT", wallet_balance=5_000.0)
    db.positions.save(account_id, ETH, typed_at=time.time() - 58.5)
    service, _ = make_service()
    service.start()
    window = open_window(qtbot, service, tmp_path)
    assert mark_cell(window)[0] == "3,000.0 · typed just now"
    qtbot.waitUntil(lambda: mark_cell(window)[0] == "3,000.0 · typed 1 min ago", timeout=5_000)
