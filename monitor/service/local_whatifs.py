"""A viewer window's what-ifs: kept in the window, never written to the shared database, so
other desks and the collectors never see them (and what-ifs other windows stored there are
not shown here). Their ids are negative: they never meet a stored position's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from monitor.domain import Position
from monitor.store.errors import StoreError
from monitor.store.records import StoredPosition


class LocalWhatIfs:
    def __init__(self) -> None:
        self._by_account: dict[int, dict[int, StoredPosition]] = {}
        self._next_id = -1

    @staticmethod
    def owns(position_id: int | None) -> bool:
        return position_id is not None and position_id < 0

    def save(
        self,
        account_id: int,
        position: Position,
        position_id: int | None,
        typed_at: float | None = None,
    ) -> int:
        """Add or replace a what-if; `typed_at` is its mark's time unless the mark is kept."""
        mine = self._by_account.setdefault(account_id, {})
        if position_id is None:
            position_id, self._next_id = self._next_id, self._next_id - 1
            enabled = True
        else:
            old = self._get(account_id, position_id)
            enabled = old.enabled
            if old.position.mark_price == position.mark_price:
                typed_at = old.mark_typed_at
        hypothetical = replace(position, hypothetical=True)
        mine[position_id] = StoredPosition(
            position_id, "hypothetical", enabled, hypothetical, mark_typed_at=typed_at
        )
        return position_id

    def delete(self, account_id: int, position_id: int) -> None:
        self._get(account_id, position_id)
        del self._by_account[account_id][position_id]

    def set_enabled(self, account_id: int, position_id: int, enabled: bool) -> None:
        stored = self._get(account_id, position_id)
        self._by_account[account_id][position_id] = replace(stored, enabled=enabled)

    def merged(
        self, account_id: int, stored: Sequence[StoredPosition]
    ) -> tuple[StoredPosition, ...]:
        """The account's stored positions (without stored what-ifs) and this window's."""
        own = self._by_account.get(account_id, {})
        return (*(s for s in stored if s.kind != "hypothetical"), *own.values())

    def _get(self, account_id: int, position_id: int) -> StoredPosition:
        stored = self._by_account.get(account_id, {}).get(position_id)
        if stored is None:
            raise StoreError(f"account #{account_id}: no what-if #{position_id} in this window")
        return stored
