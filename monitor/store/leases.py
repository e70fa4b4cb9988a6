"""Which collector polls each account: a lease per account (holder, expiry), renewed each
cycle, in the shared database.

One cycle is one write transaction, and cycles queue (BEGIN IMMEDIATE on SQLite; on
PostgreSQL an advisory lock of the leases' own, not the data writers', Database.lease_write),
so reading the leases and claiming the free or expired ones is atomic: two collectors never
both take an account. A renewal never waits behind a collector's data write. Each collector
takes its fair share (accounts ÷ live collectors, rounded up), and gives back what it holds
beyond it, so a collector that starts later gets accounts without anyone dying; a collector
that stops renewing (killed, cut off from the database) loses its leases when they expire,
and the others take them at their next cycle.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from monitor.store.models import AccountRow, CollectorRow, LeaseRow

if TYPE_CHECKING:
    from monitor.store.database import Database


class LeaseStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def cycle(self, holder: str, now: float, ttl: float) -> frozenset[int]:
        """Renew `holder`'s heartbeat and leases, take free or expired accounts up to its fair
        share, give back any beyond it; the account ids it holds until `now + ttl`."""
        until = now + ttl
        with self._db.lease_write() as s:
            s.execute(delete(CollectorRow).where(CollectorRow.expires_at < now))
            me = s.get(CollectorRow, holder)
            if me is None:
                s.add(CollectorRow(holder=holder, expires_at=until))
            else:
                me.expires_at = until
            s.flush()
            live = len(s.scalars(select(CollectorRow.holder)).all())
            accounts = s.scalars(select(AccountRow.id).order_by(AccountRow.id)).all()
            leases = {row.account_id: row for row in s.scalars(select(LeaseRow))}
            share = math.ceil(len(accounts) / max(1, live))
            mine = sorted(a for a, row in leases.items() if row.holder == holder)
            for account_id in mine[share:]:  # beyond the share: free for another collector
                s.delete(leases.pop(account_id))
            held = mine[:share]
            for account_id in accounts:
                if len(held) >= share:
                    break
                row = leases.get(account_id)
                if row is None:
                    s.add(LeaseRow(account_id=account_id, holder=holder, expires_at=until))
                elif row.holder != holder and row.expires_at < now:  # its holder went quiet
                    row.holder = holder
                else:
                    continue
                held.append(account_id)
            for account_id in held:
                row = leases.get(account_id)
                if row is not None:
                    row.expires_at = until
            return frozenset(held)

    def release(self, holder: str) -> None:
        """A clean stop: every lease and the heartbeat, free for the others at once."""
        with self._db.lease_write() as s:
            s.execute(delete(LeaseRow).where(LeaseRow.holder == holder))
            s.execute(delete(CollectorRow).where(CollectorRow.holder == holder))

    def holders(self, now: float) -> dict[int, str]:
        """Account id -> the collector holding it now (expired leases left out)."""
        with self._db.read() as s:
            rows = s.scalars(select(LeaseRow).where(LeaseRow.expires_at >= now))
            return {row.account_id: row.holder for row in rows}

    def live_collectors(self, now: float) -> int:
        with self._db.read() as s:
            rows = s.scalars(select(CollectorRow.holder).where(CollectorRow.expires_at >= now))
            return len(rows.all())
