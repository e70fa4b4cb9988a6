"""Pairing of a snapshot's rows: position, its health with and without the what-ifs, its ref.

`account.positions[i]` pairs with `health.positions[i]` and `refs[i]`; `baseline.positions`
holds only the non-hypothetical positions, in the same order.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from monitor.domain.model import Position
from monitor.domain.report import PositionHealth
from monitor.service.snapshot import AccountSnapshot, PositionRef


@dataclass(frozen=True)
class PositionRow:
    key: Hashable
    position: Position
    ref: PositionRef
    now: PositionHealth | None  # with the enabled hypotheticals
    before: PositionHealth | None  # without them (None for a hypothetical row)

    @property
    def hypothetical(self) -> bool:
        return self.ref.kind == "hypothetical" or self.position.hypothetical


def position_rows(snap: AccountSnapshot) -> list[PositionRow]:
    if snap.account is None:
        return []
    rows: list[PositionRow] = []
    seen: dict[Hashable, int] = {}
    real = 0
    for i, position in enumerate(snap.account.positions):
        ref = snap.refs[i] if i < len(snap.refs) else PositionRef(None, "live")
        now = snap.health.positions[i] if snap.health and i < len(snap.health.positions) else None
        before = None
        if not (ref.kind == "hypothetical" or position.hypothetical):
            if snap.baseline is not None and real < len(snap.baseline.positions):
                before = snap.baseline.positions[real]
            real += 1
        base: Hashable = (
            (ref.kind, ref.position_id)
            if ref.position_id is not None
            else (ref.kind, position.symbol, position.side.value, position.margin_mode.value)
        )
        # Two live rows with the same identity (rare) stay distinct by occurrence.
        n = seen.get(base, 0)
        seen[base] = n + 1
        rows.append(PositionRow((base, n), position, ref, now, before))
    return rows


def has_active_whatif(snap: AccountSnapshot) -> bool:
    return any(r.kind == "hypothetical" and r.enabled for r in snap.refs)
