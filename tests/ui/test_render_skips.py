"""A render comes for any account's tick (4 a second at most), and the service replaces only
the snapshots a tick moved: an account whose snapshot is the one shown is not rendered again,
unless something it shows moves on with the clock (the age of its data in the accounts list, a
typed mark's "typed 3 min ago" in the positions table)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.service.snapshot import (
    AccountSnapshot,
    PoolSnapshot,
    PositionRef,
    SourceState,
    SourceStatus,
)
from monitor.ui import accounts_model, positions_model
from monitor.ui.accounts_model import AccountsModel
from monitor.ui.keyed_table import SORT_ROLE
from monitor.ui.positions_model import HEADERS, PositionsModel


def _snapshot(
    account_id: int, mark: float, *, read_at: float = 1_000.0, typed_at: float | None = None
) -> AccountSnapshot:
    position = Position("BTC/USDT:USDT", Side.LONG, 1.0, 60_000.0, mark, Maintenance.flat(0.005))
    account = Account(f"acct-{account_id}", 50_000.0, (position,), collateral="USDT")
    (health,) = evaluate_accounts([account])
    # A venue's row (its mark read with the account), or a typed one (its mark typed by hand).
    ref = PositionRef(1, "live") if typed_at is None else PositionRef(1, "manual", True, typed_at)
    pool = PoolSnapshot("USDT", account, (ref,), health, health)
    return AccountSnapshot(
        account_id=account_id, name=f"acct-{account_id}", kind="simulated", venue=None,
        thresholds=Thresholds(), pools=(pool,), status=SourceStatus(SourceState.OK, read_at),
    )  # fmt: skip


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_positions_of_the_snapshot_shown_are_not_rendered_again(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = PositionsModel()
    rendered = _counting(monkeypatch, positions_model, "render_position")
    shown = _snapshot(1, 61_000.0)
    model.update(shown)
    assert len(rendered) == 1
    model.update(shown)  # a render for another account's tick
    assert len(rendered) == 1
    model.update(_snapshot(1, 61_500.0))  # its own tick: its new mark shown
    assert len(rendered) == 2
    assert model.index(0, HEADERS.index("Mark")).data() == "61,500.0"


def test_a_typed_marks_age_moves_on_with_the_snapshot_shown(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = PositionsModel()
    rendered = _counting(monkeypatch, positions_model, "render_position")
    shown = _snapshot(1, 61_000.0, typed_at=time.time() - 180)
    model.update(shown)
    assert model.index(0, HEADERS.index("Mark")).data() == "61,000.0 · typed 3 min ago"
    model.update(shown)  # its text moves on with the clock: rendered again
    assert len(rendered) == 2


def test_an_account_not_recomputed_keeps_its_row_and_its_age_moves_on(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = AccountsModel()
    rendered = _counting(monkeypatch, accounts_model, "_render")
    first, second = _snapshot(1, 61_000.0), _snapshot(2, 61_000.0)
    model.update((first, second), 1_002.0)
    assert len(rendered) == 2
    kept, value = model.row(0), model.index(0, 3).data(SORT_ROLE)
    moved = _snapshot(2, 60_000.0)  # a tick moved account 2 only
    model.update((first, moved), 1_002.4)  # the ages still read "2 s"
    assert rendered == [first, second, moved]
    # Its very row, its text as it was, and its age's sort value too (the time its data was
    # read, which the clock does not move: tests/ui/test_prerender.py).
    assert model.row(0) is kept
    assert model.index(0, 3).data() == "simulated · 2 s"
    assert model.index(0, 3).data(SORT_ROLE) == value
    model.update((first, moved), 1_003.0)  # "3 s": both rows shown anew
    assert rendered[3:] == [first, moved]
    assert model.index(0, 3).data() == "simulated · 3 s"
