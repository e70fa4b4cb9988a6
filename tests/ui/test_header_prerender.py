"""The account header's figures of a published snapshot are worked out on the service thread
with the rows (prerender.py, header_render.py): the UI thread, ~4 ms a refresh at most
(issue 11), only sets them. It works them out itself only for a snapshot not rendered ahead,
when a text that moves on with the clock (the data's age) reads otherwise at its own time, and
for figures that are not current (the badge says how old they are)."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.service.snapshot import (
    AccountSnapshot,
    PoolSnapshot,
    Snapshot,
    SourceState,
    SourceStatus,
)
from monitor.ui import account_header, history, trader_figures
from monitor.ui import prerender as prerender_module
from monitor.ui.account_header import AccountHeader
from monitor.ui.app import MainWindow
from monitor.ui.prerender import RowPrerenderer
from tests.ui.test_prerender import _published_on_a_thread

READ_AT = 1_000.0


def _snapshot(state: SourceState = SourceState.OK, mark: float = 61_000.0) -> Snapshot:
    # 1 BTC long from 60,000 at `mark` and 0.5 % maintenance on a 5,000 USDT wallet.
    btc = Position("BTC/USDT:USDT", Side.LONG, 1.0, 60_000.0, mark, Maintenance.flat(0.005))
    account = Account("desk", 5_000.0, (btc,), collateral="USDT")
    (health,) = evaluate_accounts([account])
    pool = PoolSnapshot("USDT", account, (), health, health)
    snap = AccountSnapshot(
        account_id=7, name="desk", kind="exchange", venue="binanceusdm", thresholds=Thresholds(),
        pools=(pool,), status=SourceStatus(state, READ_AT, "timed out"),
    )  # fmt: skip
    return Snapshot(taken_at=READ_AT, accounts=(snap,))


def _worked_out_on(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The thread of each call of trader_figures.available: the header works the available
    margin out with the rest of its figures, wherever it does."""
    threads: list[int] = []
    real = trader_figures.available

    def spied(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(trader_figures, "available", spied)
    return threads


def _texts(header: AccountHeader) -> dict[str, str]:
    return {
        f"{label.objectName()}#{i}": label.text()
        for i, label in enumerate(header.findChildren(QLabel))
    }


def _headers(qtbot: Any, snap: Snapshot) -> tuple[AccountHeader, AccountHeader, RowPrerenderer]:
    """A header taking its figures from a renderer (its clock at READ_AT + 0.2 s), `snap`
    published to it on another thread, and a header without."""
    prerender = RowPrerenderer(clock=lambda: READ_AT + 0.2)
    prerender.shown = 7
    ahead, alone = AccountHeader(), AccountHeader()
    qtbot.addWidget(ahead)
    qtbot.addWidget(alone)
    ahead.prerendered = prerender.header
    _published_on_a_thread(prerender, snap)
    return ahead, alone, prerender


def test_a_header_rendered_ahead_is_shown_as_rendered_without_working_it_out_again(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = _worked_out_on(monkeypatch)
    snap = _snapshot()
    ahead, alone, _ = _headers(qtbot, snap)
    assert threads and threading.get_ident() not in threads  # worked out on the service's
    threads.clear()
    ahead.show_account(snap.accounts[0], READ_AT + 0.3)  # the same second's texts: "0 s"
    assert threads == []  # failed before: worked out again on the UI thread
    alone.show_account(snap.accounts[0], READ_AT + 0.3)
    assert threads == [threading.get_ident()]
    assert _texts(ahead) == _texts(alone)
    assert ahead.state.text() == "live · 0 s"
    # Margin balance 5,000 + 1,000 uPnL; maintenance 0.5 % of 61,000.
    assert ahead.margin_balance.text() == "6,000.00 USDT"
    assert ahead.maintenance.text() == "305.00 USDT"


def test_a_render_whose_age_moved_on_is_worked_out_again_when_shown(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = _worked_out_on(monkeypatch)
    snap = _snapshot()
    ahead, alone, _ = _headers(qtbot, snap)
    threads.clear()
    ahead.show_account(snap.accounts[0], READ_AT + 3.0)
    assert threads == [threading.get_ident()]
    assert ahead.state.text() == "live · 3 s"
    alone.show_account(snap.accounts[0], READ_AT + 3.0)
    assert _texts(ahead) == _texts(alone)


@pytest.mark.parametrize("state", [SourceState.STALE, SourceState.ERROR])
def test_figures_that_are_not_current_are_worked_out_when_shown(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, state: SourceState
) -> None:
    """Stale: the badge's caption says how old they are, at the time shown. Failing: shown as
    a header rendering them itself shows them."""
    threads = _worked_out_on(monkeypatch)
    snap = _snapshot(state)
    ahead, alone, _ = _headers(qtbot, snap)
    ahead.show_account(snap.accounts[0], READ_AT + 0.3)
    alone.show_account(snap.accounts[0], READ_AT + 0.3)
    assert _texts(ahead) == _texts(alone)
    if state is SourceState.STALE:
        assert threading.get_ident() in threads
        assert ahead.band_caption.text() == "last known · stale 0 s"
    else:
        assert ahead.move_figure.text() == "—"  # no figure that could read as current


def test_a_header_that_cannot_be_rendered_ahead_is_rendered_by_the_window(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    snap = _snapshot()
    ui = threading.get_ident()
    real = trader_figures.available

    def fails_off_the_ui_thread(*args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() != ui:
            raise ValueError("a figure that cannot be worked out")
        return real(*args, **kwargs)

    monkeypatch.setattr(trader_figures, "available", fails_off_the_ui_thread)
    ahead, alone, prerender = _headers(qtbot, snap)
    assert "header of desk not rendered ahead" in caplog.text
    assert prerender.header(snap.accounts[0], READ_AT + 0.3) is None
    ahead.show_account(snap.accounts[0], READ_AT + 0.3)
    alone.show_account(snap.accounts[0], READ_AT + 0.3)
    assert _texts(ahead) == _texts(alone)
    assert ahead.margin_balance.text() == "6,000.00 USDT"


def _pinned(window: MainWindow) -> MainWindow:
    """The window's clock at READ_AT + 0.3 s, its renderer's too."""
    window.presenter.clock = window.presenter.prerender.clock = lambda: READ_AT + 0.3
    return window


def test_the_window_shows_a_published_snapshot_s_header_as_rendered_ahead(
    idle_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _pinned(idle_window)
    threads = _worked_out_on(monkeypatch)
    presenter = window.presenter
    for mark in (61_000.0, 62_000.0, 63_000.0):
        # The first is drawn before the renderer knows the account the window shows.
        threads.clear()
        snap = _snapshot(mark=mark)
        service = threading.Thread(target=presenter.ahead.publish, args=(snap,))
        service.start()
        service.join()
        presenter.on_snapshot(snap)
        presenter.render()
    # The last was worked out on the service's thread only (failed with the header not told
    # of the renderer: on the UI thread too).
    assert threads and threading.get_ident() not in threads
    assert window.header.margin_balance.text() == "8,000.00 USDT"  # 5,000 + 3,000 uPnL


def test_the_window_records_a_published_snapshot_s_health_points_worked_out_ahead(
    idle_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each account's point of the health history (history.health_points) is worked out on
    the service thread with the rows; the window only appends it."""
    threads: list[int] = []
    real = history.health_points

    def spied(snap: Snapshot) -> Any:
        threads.append(threading.get_ident())
        return real(snap)

    monkeypatch.setattr(history, "health_points", spied)
    monkeypatch.setattr(prerender_module, "health_points", spied)
    presenter = _pinned(idle_window).presenter
    for mark in (61_000.0, 62_000.0):
        snap = _snapshot(mark=mark)
        snap = Snapshot(taken_at=snap.taken_at + mark, accounts=snap.accounts)
        service = threading.Thread(target=presenter.ahead.publish, args=(snap,))
        service.start()
        service.join()
        presenter.on_snapshot(snap)
    assert len(threads) == 2 and threading.get_ident() not in threads  # before: the UI thread
    _, h = presenter.history.series(7)
    # Health of the 1 BTC long on 5,000 USDT at 0.5 % maintenance: (m - 55,000) / (m / 200).
    np.testing.assert_allclose(h[-2:], [(m - 55_000.0) / (m / 200) for m in (61e3, 62e3)])


def test_the_figures_are_greyed_when_they_stop_being_current_not_asked_at_each_tick(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = AccountHeader()
    qtbot.addWidget(header)
    told: list[tuple[str, bool]] = []
    real = account_header.set_stale

    def spied(label: QLabel, stale: bool) -> None:
        told.append((label.objectName(), stale))
        real(label, stale)

    monkeypatch.setattr(account_header, "set_stale", spied)
    header.show_account(_snapshot(mark=61_000.0).accounts[0], READ_AT + 0.3)
    assert len(told) == 7 and not any(stale for _, stale in told)  # the first render
    told.clear()
    for mark in (62_000.0, 63_000.0):  # ticks, current as before
        header.show_account(_snapshot(mark=mark).accounts[0], READ_AT + 0.3)
    assert told == []  # failed before: seven labels asked at each tick
    header.show_account(_snapshot(SourceState.STALE).accounts[0], READ_AT + 0.3)
    assert len(told) == 7 and all(stale for _, stale in told)
    assert header.margin_balance.property("stale") == "true"
    header.show_account(_snapshot().accounts[0], READ_AT + 0.3)
    assert header.margin_balance.property("stale") == "false"
