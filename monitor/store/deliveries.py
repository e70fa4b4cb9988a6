"""Alerts sent once, however many processes compute them: each alert family of a subject
(its level, its staleness, ...) runs in episodes — opened by a raise, closed by its clear —
and an alert is a delivery row keyed (subject, what, episode), inserted with ON CONFLICT DO
NOTHING. The process whose insert lands sends it; every other one logs it and stays quiet.
A collector taking over an account (its first collector died) thus re-raises nothing it was
already told."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from monitor.store.models import AlertDeliveryRow, AlertEpisodeRow

if TYPE_CHECKING:
    from monitor.store.database import Database


@dataclass(frozen=True)
class Transition:
    """One alert event as the delivery ledger sees it."""

    account_id: int | None
    subject: str
    family: str  # "level", "stale", "source", "disagreement", "unknown", "snooze"
    what: str  # the delivery's name within the family's episode: "raised", "cleared", ...
    opens: bool  # begins an episode if none is open
    closes: bool  # ends the open episode (after its own delivery)
    notify: bool  # a delivery: claimed (its row inserted); else only the episode bookkeeping


class DeliveryStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def claim(self, holder: str, at: float, transitions: Sequence[Transition]) -> list[bool]:
        """In one write transaction, per transition: whether `holder` sends it (its delivery
        row is new). Non-notifying transitions come back False."""
        if not transitions:
            return []
        sent = []
        with self._db.write() as s:
            for t in transitions:
                episode = _episode(s, t)
                won = False
                if t.notify:
                    won = _insert(s, t, episode, holder, at)
                if t.closes and episode is not None:
                    row = s.get(AlertEpisodeRow, (t.subject, t.family))
                    if row is not None:
                        row.open = False
                sent.append(won)
        return sent

    def close(self, subjects: Iterable[str], family: str = "level") -> None:
        """End these subjects' open episodes: seen fine by a process that just took them over
        (the clear happened while nobody watched), so their next raise is news again."""
        keys = list(subjects)
        if not keys:
            return
        with self._db.write() as s:
            s.execute(
                update(AlertEpisodeRow)
                .where(AlertEpisodeRow.subject.in_(keys), AlertEpisodeRow.family == family)
                .where(AlertEpisodeRow.open.is_(True))
                .values(open=False)
            )


def _episode(s: Session, t: Transition) -> int | None:
    """The subject's open episode of this family; a new one if `t` opens and none is."""
    row = s.get(AlertEpisodeRow, (t.subject, t.family))
    if row is not None and row.open:
        return row.episode
    if not t.opens:
        return None if row is None else row.episode
    if row is None:
        row = AlertEpisodeRow(
            subject=t.subject, family=t.family, account_id=t.account_id, episode=1, open=True
        )
        s.add(row)
    else:
        row.episode += 1
        row.open = True
    s.flush()
    return row.episode


def _insert(s: Session, t: Transition, episode: int | None, holder: str, at: float) -> bool:
    values: dict[str, Any] = {
        "account_id": t.account_id,
        "subject": t.subject,
        "what": f"{t.family}/{t.what}"[:64],
        "episode": 0 if episode is None else episode,
        "holder": holder,
        "at": at,
    }
    # Imported here: the PostgreSQL dialect costs a twentieth of a second at every start.
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Any = pg_insert(AlertDeliveryRow).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(AlertDeliveryRow).on_conflict_do_nothing()
    statement = statement.values(**values)
    # RETURNING, not rowcount: psycopg counts a skipped conflicting row as one.
    return s.execute(statement.returning(AlertDeliveryRow.id)).first() is not None
