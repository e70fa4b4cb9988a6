"""Domain Position <-> positions table row, field for field (nothing rounded, nothing lost)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from monitor.domain.model import (
    Maintenance,
    MaintenanceBasis,
    MarginMode,
    Position,
    Side,
    Tier,
)
from monitor.store.records import StoredPosition

if TYPE_CHECKING:  # to_position reads any row by its attributes (plain_read.py's too)
    from monitor.store.models import PositionRow


def tiers_to_json(tiers: Sequence[Tier]) -> list[list[float]]:
    """[[floor, rate, amount], ...], a fourth figure where the venue gave its maximum
    leverage for the tier (rows written before it was kept have three)."""
    return [
        [t.floor, t.rate, t.amount] + ([] if t.max_leverage is None else [t.max_leverage])
        for t in tiers
    ]


@functools.lru_cache(maxsize=4096)
def tiers_from_text(text: str) -> tuple[Tier, ...]:
    """A tier table from its stored JSON text, parsed once per distinct text: every position
    of a symbol holds the same table, and each refresh reads them all back (immutable, so
    the one parsed tuple is shared)."""
    return tiers_from_json(json.loads(text))


def tiers_from_json(rows: Sequence[Sequence[float]]) -> tuple[Tier, ...]:
    return tuple(
        Tier(float(r[0]), float(r[1]), float(r[2]), float(r[3]) if len(r) > 3 else None)
        for r in rows
    )


def row_values(p: Position) -> dict[str, Any]:
    """Every field of `p` as the row's column values (kind, enabled, pool are the caller's)."""
    return {
        "symbol": p.symbol,
        "side": p.side.value,
        "contracts": p.contracts,
        "contract_size": p.contract_size,
        "inverse": p.inverse,
        "entry_price": p.entry_price,
        "mark_price": p.mark_price,
        "margin_mode": p.margin_mode.value,
        "isolated_margin": p.isolated_margin,
        "leverage": p.leverage,
        "maintenance_kind": p.maintenance.kind,
        "maintenance_tiers": tiers_to_json(p.maintenance.tiers),
        "max_leverage": p.maintenance.max_leverage,
        "amounts_given": p.maintenance.amounts_given,
        "maintenance_basis": p.maintenance_basis.value,
        "close_fee_rate": p.close_fee_rate,
        "exchange_liquidation_price": p.exchange_liquidation_price,
        "exchange_maintenance_margin": p.exchange_maintenance_margin,
        "unknown": p.unknown,
    }


def fill_row(row: PositionRow, p: Position) -> PositionRow:
    """Copy every field of `p` onto `row` (kind and enabled are the caller's)."""
    for name, value in row_values(p).items():
        setattr(row, name, value)
    return row


def to_position(row: Any, tiers: tuple[Tier, ...] | None = None) -> Position:
    """`row`: a PositionRow, or a Core row of the positions table's columns (then `tiers`,
    its maintenance_tiers parsed, e.g. by tiers_from_text)."""
    if tiers is None:
        tiers = tiers_from_json(row.maintenance_tiers)
    return Position(
        symbol=row.symbol,
        side=Side(row.side),
        contracts=row.contracts,
        entry_price=row.entry_price,
        mark_price=row.mark_price,
        maintenance=Maintenance(
            tiers=tiers,
            kind=row.maintenance_kind,
            max_leverage=row.max_leverage,
            amounts_given=row.amounts_given,
        ),
        contract_size=row.contract_size,
        inverse=row.inverse,
        margin_mode=MarginMode(row.margin_mode),
        isolated_margin=row.isolated_margin,
        leverage=row.leverage,
        maintenance_basis=MaintenanceBasis(row.maintenance_basis),
        close_fee_rate=row.close_fee_rate,
        hypothetical=row.kind == "hypothetical",
        exchange_liquidation_price=row.exchange_liquidation_price,
        exchange_maintenance_margin=row.exchange_maintenance_margin,
        unknown=row.unknown,
    )


def stored_position(row: Any) -> StoredPosition:
    """A positions row (ORM or driver row, by its attributes) as the store hands it out."""
    return StoredPosition(
        row.id, row.kind, bool(row.enabled), to_position(row), row.pool, row.mark_typed_at
    )
