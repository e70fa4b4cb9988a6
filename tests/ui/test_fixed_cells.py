"""The position cells that do not move with the marks (symbol, size, margin, entry, break-even,
their tooltips) are rendered once per position and looked up at each tick (position_fixed.py):
a position that becomes another (more size, a new entry, another leverage) must show its new
figures at once, never the ones kept for it. Expected texts restated from the typed numbers."""

from __future__ import annotations

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.service.snapshot import (
    AccountSnapshot,
    PoolSnapshot,
    PositionRef,
    SourceState,
    SourceStatus,
)
from monitor.ui.positions_model import HEADERS, PositionsModel


def _snapshot(size: float, entry: float, mark: float, leverage: float | None) -> AccountSnapshot:
    position = Position(
        "BTC/USDT:USDT", Side.LONG, size, entry, mark, Maintenance.flat(0.005), leverage=leverage
    )
    account = Account("book", 50_000.0, (position,), collateral="USDT")
    (health,) = evaluate_accounts([account])
    pool = PoolSnapshot("USDT", account, (PositionRef(1, "manual"),), health, health)
    return AccountSnapshot(
        account_id=1, name="book", kind="manual", venue=None, thresholds=Thresholds(),
        pools=(pool,), status=SourceStatus(SourceState.MANUAL, 0.0),
    )  # fmt: skip


def _shown(model: PositionsModel, *headers: str) -> tuple[str, ...]:
    return tuple(model.index(0, HEADERS.index(h)).data() for h in headers)


def test_a_position_that_changes_shows_its_new_size_entry_and_margin(qtbot: object) -> None:
    model = PositionsModel()
    columns = ("Size", "Entry", "Break-even", "Margin", "Lev.")
    model.update(_snapshot(1.0, 60_000.0, 60_500.0, None))
    # 1 BTC at 60,000, no set leverage: no margin known; no fee: break-even at the entry.
    assert _shown(model, *columns[:4]) == ("1 BTC", "60,000.0", "60,000.0", "—")
    model.update(_snapshot(1.0, 60_000.0, 60_700.0, None))  # a tick: the same position
    assert _shown(model, *columns[:4]) == ("1 BTC", "60,000.0", "60,000.0", "—")
    # Added to: 2.5 BTC at an average 61,000, leverage 10 set: margin 2.5 × 61,000 ÷ 10.
    model.update(_snapshot(2.5, 61_000.0, 60_700.0, 10.0))
    assert _shown(model, *columns[:4]) == ("2.5 BTC", "61,000.0", "61,000.0", "15,250.00")
    tip = model.index(0, HEADERS.index("Lev.")).data(3)  # ToolTipRole
    assert "set leverage 10×" in tip
    # Back to the first position: its own figures again (not the last ones shown).
    model.update(_snapshot(1.0, 60_000.0, 60_700.0, None))
    assert _shown(model, *columns[:4]) == ("1 BTC", "60,000.0", "60,000.0", "—")
    assert "no set leverage known" in model.index(0, HEADERS.index("Lev.")).data(3)
