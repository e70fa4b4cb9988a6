"""The rows of a published snapshot are rendered on the service thread (prerender.py): the UI
thread, ~4 ms a refresh at most (issue 11), only sets the cells that changed. It renders a row
itself only when none was rendered ahead for the snapshot it shows (or the age a list row
shows moved on since)."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.service.snapshot import (
    AccountSnapshot,
    PoolSnapshot,
    PositionRef,
    Snapshot,
    SourceState,
    SourceStatus,
)
from monitor.ui import accounts_model, keyed_table, position_render, positions_model, totals_render
from monitor.ui import prerender as prerender_module
from monitor.ui.accounts_model import AccountsModel
from monitor.ui.app import MainWindow
from monitor.ui.prerender import RowPrerenderer
from tests.ui.conftest import UI_MARKS, Rig, selected
from tests.ui.test_trader_columns import rows_by_symbol, text


def _threads_of(monkeypatch: pytest.MonkeyPatch, modules: tuple[Any, ...], name: str) -> list[int]:
    """The thread of each call of the renderer `name` (wherever it is called from)."""
    threads: list[int] = []
    real = getattr(modules[0], name)

    def spied(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    for module in modules:
        monkeypatch.setattr(module, name, spied)
    return threads


def test_a_refresh_renders_no_position_row_on_the_ui_thread(
    qtbot: Any, window: MainWindow, rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Once the window shows a snapshot rendered ahead: the one published while the window
    # was drawing its first (before it had told the renderer the account it shows) was not.
    prerender = window.presenter.prerender
    qtbot.waitUntil(lambda: prerender.positions(selected(window)) is not None, timeout=5000)
    threads = _threads_of(monkeypatch, (position_render, positions_model), "render_position")
    ui = threading.get_ident()
    btc = rows_by_symbol(window)["BTC/USDT:USDT"]
    mark = UI_MARKS["BTC"] * 1.01  # BTC up 1 %: its mark and PnL shown anew once polled
    rig.move_price("BTC/USDT:USDT", 1.01)
    qtbot.waitUntil(lambda: text(window, btc, "Mark") == f"{mark:,.1f}", timeout=5000)
    assert threads, "the rows were rendered nowhere"
    assert ui not in threads, (
        f"{threads.count(ui)} of {len(threads)} rows rendered on the UI thread"
    )
    # The row as UI_BOOK has it (1.5 BTC long from 62,500 at 10x), restated: the same texts
    # as the UI thread rendered before.
    assert text(window, btc, "Symbol") == "BTCUSDT"
    assert text(window, btc, "Side") == "long"
    assert text(window, btc, "Size") == "1.5 BTC"
    assert text(window, btc, "Entry") == "62,500.0"
    pnl = 1.5 * (mark - 62_500.0)
    assert text(window, btc, "uPnL") == f"{pnl:,.2f}"
    assert text(window, btc, "ROE") == f"{pnl / (1.5 * 62_500.0 / 10) * 100:+.1f} %"


def test_a_refresh_sums_no_total_on_the_ui_thread(
    qtbot: Any, window: MainWindow, rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The totals under the positions, and their texts, are worked out with the rows, ahead."""
    prerender = window.presenter.prerender
    qtbot.waitUntil(lambda: prerender.positions(selected(window)) is not None, timeout=5000)
    sums = _threads_of(
        monkeypatch, (totals_render, prerender_module, positions_model), "book_totals"
    )
    texts = _threads_of(monkeypatch, (totals_render,), "figure_texts")
    before = window.totals.text()
    rig.move_price("BTC/USDT:USDT", 1.01)
    qtbot.waitUntil(lambda: window.totals.text() != before, timeout=5000)
    ui = threading.get_ident()
    assert sums and texts, "the totals were worked out nowhere"
    assert ui not in sums + texts, f"{(sums + texts).count(ui)} worked out on the UI thread"


def _account(account_id: int, mark: float, read_at: float) -> AccountSnapshot:
    position = Position("BTC/USDT:USDT", Side.LONG, 1.0, 60_000.0, mark, Maintenance.flat(0.005))
    account = Account(f"acct-{account_id}", 50_000.0, (position,), collateral="USDT")
    (health,) = evaluate_accounts([account])
    pool = PoolSnapshot("USDT", account, (PositionRef(1, "live"),), health, health)
    return AccountSnapshot(
        account_id=account_id, name=f"acct-{account_id}", kind="simulated", venue=None,
        thresholds=Thresholds(), pools=(pool,), status=SourceStatus(SourceState.OK, read_at),
    )  # fmt: skip


def _published_on_a_thread(prerender: RowPrerenderer, snap: Snapshot) -> None:
    service = threading.Thread(target=prerender.publish, args=(snap,))
    service.start()
    service.join()


def test_an_account_row_rendered_ahead_is_shown_as_it_was_rendered(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = _threads_of(monkeypatch, (accounts_model,), "_render")
    prerender = RowPrerenderer(clock=lambda: 1_000.2)
    model = AccountsModel()
    model.prerendered = prerender.account
    snap = Snapshot(taken_at=1_000.0, accounts=(_account(1, 61_000.0, 1_000.0),))
    _published_on_a_thread(prerender, snap)
    model.update(snap.accounts, 1_000.4)  # the same age shown: "simulated · 0 s"
    assert rendered == []
    assert [model.index(0, c).data() for c in (0, 3)] == ["[SIMULATED] acct-1", "simulated · 0 s"]
    # Its age moved on since it was rendered: rendered again, here.
    model.update(snap.accounts, 1_003.0)
    assert rendered == [threading.get_ident()]
    assert model.index(0, 3).data() == "simulated · 3 s"


def test_the_row_renderers_use_no_qt() -> None:
    """They run on the service thread, which never touches Qt (nor imports it)."""
    code = (
        "import sys, monitor.ui.prerender; "
        "print([m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rows_that_fail_to_render_ahead_are_rendered_by_the_window(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A renderer's bug on the service thread costs neither the snapshot nor the monitoring:
    logged, and the table renders the rows itself."""

    def broken(*_: Any) -> Any:
        raise ValueError("a renderer's bug")

    monkeypatch.setattr(position_render, "render_position", broken)  # the service thread's
    prerender = RowPrerenderer(clock=lambda: 1_000.2)
    prerender.shown = 1  # the account the window shows
    model = positions_model.PositionsModel()
    model.prerendered = prerender.positions_and_changes
    snap = Snapshot(taken_at=1_000.0, accounts=(_account(1, 61_000.0, 1_000.0),))
    _published_on_a_thread(prerender, snap)  # does not raise
    assert "rows not rendered ahead" in caplog.text
    model.update(snap.accounts[0])
    assert model.rowCount() == 1
    assert model.index(0, positions_model.HEADERS.index("Mark")).data() == "61,000.0"


def _positions_rendered_ahead() -> tuple[RowPrerenderer, positions_model.PositionsModel]:
    """Account 1's positions, rendered ahead as for the window showing them."""
    prerender = RowPrerenderer(clock=lambda: 1_000.2)
    prerender.shown = 1
    model = positions_model.PositionsModel()
    model.prerendered = prerender.positions_and_changes
    return prerender, model


def _comparisons(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The keys of the rows a model compares itself from now on (keyed_table.changes)."""
    compared: list[object] = []
    real = keyed_table.changes

    def spied(old: Any, row: Any) -> Any:
        compared.append(row.key)
        return real(old, row)

    monkeypatch.setattr(keyed_table, "changes", spied)
    return compared


def _texts(model: positions_model.PositionsModel) -> list[str]:
    return [str(model.index(0, c).data()) for c in range(model.columnCount())]


def test_a_row_s_changes_are_worked_out_ahead_and_used_for_the_row_shown(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The positions shown: each row's changes from the render before are worked out on the
    service thread; the model compares no row it shows that they were taken against."""
    prerender, model = _positions_rendered_ahead()
    first = Snapshot(taken_at=1_000.0, accounts=(_account(1, 61_000.0, 1_000.0),))
    _published_on_a_thread(prerender, first)
    model.update(first.accounts[0])
    shown = model.row(0)
    second = Snapshot(taken_at=1_002.0, accounts=(_account(1, 61_500.0, 1_002.0),))
    _published_on_a_thread(prerender, second)
    done = prerender.positions_and_changes(second.accounts[0])
    assert done is not None
    known = done[2]
    ((key, (base, moved, look, resorted)),) = known.items()
    # Taken against the row the model shows, the one rendered for the snapshot before.
    assert base is shown and key == shown.key
    headers = positions_model.HEADERS
    # BTC up 500: its mark and what follows from it changed, never what it is.
    assert "Mark" in [headers[c] for c in moved]
    assert not {"Symbol", "Side", "Size", "Entry"} & {headers[c] for c in moved}
    (new,) = prerender.positions(second.accounts[0])[1]
    assert sorted(moved) == [c for c in range(len(headers)) if shown.display[c] != new.display[c]]
    assert resorted and not look
    compared = _comparisons(monkeypatch)
    model.update(second.accounts[0])
    assert compared == []  # none compared on the UI thread: all worked out ahead
    assert _texts(model) == list(new.display)
    assert model.index(0, headers.index("Mark")).data() == "61,500.0"


def test_changes_taken_against_another_row_are_not_used(qtbot: Any) -> None:
    """The window did not show the render before (it drew another snapshot, or none): the
    changes worked out against it are ignored, and the row compared with the one shown."""
    prerender, model = _positions_rendered_ahead()
    first = Snapshot(taken_at=1_000.0, accounts=(_account(1, 61_000.0, 1_000.0),))
    model.update(first.accounts[0])  # rendered here: nothing was published ahead of it
    published = [
        Snapshot(taken_at=at, accounts=(_account(1, 61_500.0, at),)) for at in (1_001.0, 1_002.0)
    ]  # 61,500 twice: nothing changed between them
    for snap in published:
        _published_on_a_thread(prerender, snap)
    # The last published, its changes taken against the one published before it (none),
    # which the window never showed: it shows 61,000.
    last = published[-1].accounts[0]
    done = prerender.positions_and_changes(last)
    assert done is not None
    known = done[2]
    assert [moved for _, moved, _, _ in known.values()] == [[]]
    model.update(last)
    (new,) = prerender.positions(last)[1]
    assert _texts(model) == list(new.display)
    assert model.index(0, positions_model.HEADERS.index("Mark")).data() == "61,500.0"


def test_a_list_row_s_changes_are_worked_out_ahead_and_used_for_the_row_shown(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The accounts list, as the positions: a row's changes from the account's row rendered
    before are worked out on the service thread, and the model compares no row they were
    taken against; an account no tick moved keeps its very row, compared with nothing."""
    prerender = RowPrerenderer(clock=lambda: 1_000.2)
    model = AccountsModel()
    model.prerendered = prerender.account
    first = Snapshot(
        taken_at=1_000.0, accounts=(_account(1, 61_000.0, 1_000.0), _account(2, 3_000.0, 1_000.0))
    )
    _published_on_a_thread(prerender, first)
    model.update(first.accounts, 1_000.4)
    shown = model.row(0)
    # Account 1 falls 10 % (its health moves); account 2 is the snapshot it was.
    second = Snapshot(
        taken_at=1_000.1, accounts=(_account(1, 55_000.0, 1_000.0), first.accounts[1])
    )
    _published_on_a_thread(prerender, second)
    done = prerender.account(second.accounts[0])
    assert done is not None and done[3] is not None
    base, moved, look, _ = done[3]
    assert base is shown  # taken against the row the model shows
    assert [accounts_model.HEADERS[c] for c in moved] == ["Health"]
    assert not look
    compared = _comparisons(monkeypatch)
    model.update(second.accounts, 1_000.4)
    assert compared == []  # neither row compared on the UI thread
    health = accounts_model.HEALTH_COLUMN
    assert model.index(0, health).data() == done[2].display[health]
    assert model.index(0, health).data() != shown.display[health]


def test_the_list_sorts_by_the_age_shown_and_the_clock_moves_no_sort_value(qtbot: Any) -> None:
    """The Data column sorts as the ages it shows, freshest first, by the time the data was
    read: a sort value the clock does not move, so a row rendered ahead is the row shown
    until its age's text moves on (else a copy of it, made at every render)."""
    from monitor.ui.table_view import SortProxy

    model = AccountsModel()
    accounts = (
        _account(1, 61_000.0, 990.0),  # read 10 s before the render: "10 s"
        _account(2, 61_000.0, 999.0),  # "1 s"
        _account(3, 61_000.0, 995.0),  # "5 s"
    )
    model.update(accounts, 1_000.0)
    proxy = SortProxy(model)
    proxy.sort(3)  # the Data column, ascending
    ages = [proxy.index(r, 3).data() for r in range(3)]
    assert ages == ["simulated · 1 s", "simulated · 5 s", "simulated · 10 s"]
    values = [model.index(r, 3).data(keyed_table.SORT_ROLE) for r in range(3)]
    rows = [model.row(r) for r in range(3)]
    model.update(accounts, 1_000.3)  # the same ages shown
    assert [model.index(r, 3).data(keyed_table.SORT_ROLE) for r in range(3)] == values
    assert all(model.row(r) is rows[r] for r in range(3))  # no row made anew
