"""Pairing of a snapshot's rows: position, its health with and without the what-ifs, its ref,
its pool.

In each pool, `account.positions[i]` pairs with `health.positions[i]` and `refs[i]`;
`baseline.positions` holds only the non-hypothetical positions, in the same order.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from monitor.domain.model import Position
from monitor.domain.report import PositionHealth
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, PositionRef
from monitor.ui.mark_source import mark_source


@dataclass(frozen=True)
class PositionRow:
    key: Hashable
    position: Position
    ref: PositionRef
    now: PositionHealth | None  # with the enabled hypotheticals
    before: PositionHealth | None  # without them (None for a hypothetical row)
    pool: str = ""  # the margin pool it counts in
    rank: int = 0  # its pool's place, the worst pool 0
    # Where its mark comes from ("stream", "rest", "public", "typed") and when (epoch seconds;
    # None: not known). See mark_source.py.
    mark_source: str = "typed"
    mark_at: float | None = None

    @property
    def hypothetical(self) -> bool:
        return self.ref.kind == "hypothetical" or self.position.hypothetical


def position_rows(snap: AccountSnapshot) -> list[PositionRow]:
    """Every pool's rows, the worst pool's first."""
    rows: list[PositionRow] = []
    for rank, pool in enumerate(snap.pools):
        rows.extend(pool_rows(pool, rank))
    return [_with_mark_source(row, snap) for row in rows]


def _with_mark_source(row: PositionRow, snap: AccountSnapshot) -> PositionRow:
    source, at = mark_source(row.position, row.ref.kind, snap, row.ref.mark_typed_at)
    # Built directly: dataclasses.replace looks the fields up anew for every row of a tick.
    return PositionRow(
        row.key, row.position, row.ref, row.now, row.before, row.pool, row.rank, source, at
    )


def pool_rows(pool: PoolSnapshot, rank: int = 0) -> list[PositionRow]:
    rows: list[PositionRow] = []
    seen: dict[Hashable, int] = {}
    real = 0
    health, baseline = pool.health, pool.baseline
    for i, position in enumerate(pool.account.positions):
        ref = pool.refs[i] if i < len(pool.refs) else PositionRef(None, "live")
        now = health.positions[i] if i < len(health.positions) else None
        before = None
        if not (ref.kind == "hypothetical" or position.hypothetical):
            if real < len(baseline.positions):
                before = baseline.positions[real]
            real += 1
        # A stored row is its id; a live one (no id) its symbol, side (hedge legs) and mode,
        # in its pool (one symbol may be held in two pools).
        base: Hashable = (
            (ref.kind, ref.position_id)
            if ref.position_id is not None
            else (pool.pool, ref.kind, position.symbol, position.side.value,
                  position.margin_mode.value)
        )  # fmt: skip
        # Two live rows with the same identity (rare) stay distinct by occurrence.
        n = seen.get(base, 0)
        seen[base] = n + 1
        rows.append(PositionRow((base, n), position, ref, now, before, pool.pool, rank))
    return rows


def has_active_whatif(snap: AccountSnapshot) -> bool:
    return any(r.kind == "hypothetical" and r.enabled for p in snap.pools for r in p.refs)
