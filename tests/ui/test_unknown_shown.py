"""The window never shows what it cannot compute as a figure or a level (issue 12): a mark of
0 from the venue makes the pool "unknown" in the account list, the header and the positions
table, with the reason on screen; once the venue gives prices again the figures come back."""

from __future__ import annotations

from typing import Any

from monitor.sources.sim.faults import FaultKind
from monitor.ui.accounts_model import HEALTH_COLUMN
from monitor.ui.app import MainWindow
from monitor.ui.positions_model import HEADERS
from tests.ui.conftest import KEY, Rig

LIQ = HEADERS.index("Liq. price")


def _health_cell(window: MainWindow) -> str:
    return str(window.accounts_model.index(0, HEALTH_COLUMN).data())


def _liq_cells(window: MainWindow) -> list[str]:
    model = window.positions_model
    return [str(model.index(r, LIQ).data()) for r in range(model.rowCount())]


def test_a_pool_the_engine_cannot_judge_reads_unknown_everywhere(
    qtbot: Any, window: MainWindow, rig: Rig
) -> None:
    qtbot.waitUntil(lambda: "ok" in _health_cell(window), timeout=5000)
    rig.venue.faults.set(FaultKind.ZERO_MARK, 0, api_key=KEY)  # BTC, a cross position
    qtbot.waitUntil(lambda: _health_cell(window) == "unknown", timeout=5000)
    header = window.header
    assert header.health_text() == "—"
    assert "cannot be judged" in header.band_caption.text()
    assert "no usable mark (the venue gave 0)" in header.note.text()
    assert "BTC/USDT:USDT long" in header.note.text()
    assert all(text == "unknown" for text in _liq_cells(window))  # one cross pool: all of it
    assert "ok" not in header.band_caption.text()

    rig.venue.faults.clear(FaultKind.ZERO_MARK)
    qtbot.waitUntil(lambda: "ok" in _health_cell(window), timeout=5000)
    assert header.health_text() != "—" and "cannot be judged" not in header.note.text()
    assert "unknown" not in _liq_cells(window)


def test_a_whatif_never_changes_the_account_list(qtbot: Any, window: MainWindow, rig: Rig) -> None:
    """What-ifs are never the record (issue 13): the list shows the real book's health."""
    from monitor.domain.model import Maintenance, Position, Side
    from monitor.ui import formatting as fmt
    from tests.ui.conftest import selected
    from tests.ui.engine_truth import health_of, real_account

    qtbot.waitUntil(lambda: "ok" in _health_cell(window), timeout=5000)
    snap = selected(window)
    real = health_of(real_account(snap))  # the engine on the real book, independently
    whatif = Position(
        "ETH/USDT:USDT", Side.LONG, 25, 3_050, 3_050, Maintenance.flat(0.005), hypothetical=True
    )
    with_it = health_of(real_account(snap), whatif)
    assert fmt.health(with_it.health_ratio) != fmt.health(real.health_ratio)
    rig.service.save_position(snap.account_id, whatif).result(5)
    qtbot.waitUntil(
        lambda: window.header.health_text() == fmt.health(with_it.health_ratio), timeout=5000
    )
    assert _health_cell(window).startswith(fmt.health(real.health_ratio))
