"""A typed mark keeps the time it was typed (so the window and `check` can say how old it
is); a mark read from the venue is no longer typed."""

from __future__ import annotations

from monitor.domain.model import Maintenance, Position, Side


def _position(mark: float, contracts: float = 0.5) -> Position:
    return Position(
        symbol="BTC/USDT:USDT", side=Side.LONG, contracts=contracts, entry_price=60_000.0,
        mark_price=mark, maintenance=Maintenance.flat(0.005),
    )  # fmt: skip


def _typed_at(db, account_id: int) -> float | None:
    (stored,) = db.positions.list(account_id)
    return stored.mark_typed_at


def test_a_typed_mark_keeps_when_it_was_typed_until_it_changes(db):
    account = db.accounts.add("typed", "manual", wallet_balance=10_000.0)
    position_id = db.positions.save(account, _position(61_000.0), typed_at=1_000.0)
    assert _typed_at(db, account) == 1_000.0
    # Another field edited, the mark left as typed: the mark is as old as before.
    db.positions.save(account, _position(61_000.0, contracts=0.7), position_id, typed_at=2_000.0)
    assert _typed_at(db, account) == 1_000.0
    db.positions.save(account, _position(62_500.0, contracts=0.7), position_id, typed_at=3_000.0)
    assert _typed_at(db, account) == 3_000.0


def test_a_mark_read_from_the_venue_is_no_longer_typed(db):
    account = db.accounts.add("refreshed", "manual", venue="binanceusdm", wallet_balance=1e4)
    db.positions.save(account, _position(61_000.0), typed_at=1_000.0)
    assert db.positions.set_marks(account, {"BTC/USDT:USDT": 60_250.0}) == 1
    assert _typed_at(db, account) is None
