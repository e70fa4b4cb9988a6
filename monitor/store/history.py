"""History for charts: account health at every recompute where it changed, and each
position's mark and liquidation price at most once a minute."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.store import health_minutes
from monitor.store.bulk_insert import insert_rows
from monitor.store.history_batch import due_marks, last_figures_of
from monitor.store.limits import check_values
from monitor.store.models import HealthRow, PositionMarkRow
from monitor.store.records import HealthSample, HealthSeries, MarkSeries, PositionMark
from monitor.store.settings import RETENTION_DAYS_KEY
from monitor.store.thinning import thin_history

if TYPE_CHECKING:
    from monitor.store.database import Database

MARK_INTERVAL = 60.0  # seconds between two stored marks of one position
CHART_POINTS = 2_000  # columns of a wide chart: more points than it can show cost, add nothing
RAW_SPAN = 2 * 3600.0  # up to two hours a chart reads every row (7,200 at most)


def _last_figures(session: Session, account_id: int) -> tuple[Any, ...] | None:
    row = session.execute(
        select(HealthRow.margin_balance, HealthRow.maintenance, HealthRow.health_ratio)
        .where(HealthRow.account_id == account_id)
        .order_by(HealthRow.at.desc())
        .limit(1)
    ).first()
    return None if row is None else tuple(row)


HEALTH_COLUMNS = ("account_id", "at", "margin_balance", "maintenance", "health_ratio")
MARK_COLUMNS = ("account_id", "at", "symbol", "side", "mark", "liquidation_price")


def _columns(rows: Sequence[Sequence[Any]], width: int) -> NDArray[np.float64]:
    # Plain tuples first: numpy would probe each Row for array interfaces, slowly.
    # None (SQL NULL) becomes NaN in a float array.
    return np.array(list(map(tuple, rows)), dtype=np.float64).reshape(len(rows), width)


def _changed(
    session: Session,
    samples: Iterable[HealthSample],
    previous: dict[int, tuple[Any, ...] | None],
) -> list[tuple[Any, ...]]:
    """The rows of the samples whose figures differ from the account's previous ones (in
    `previous`, else its last stored row, read when first needed); samples of one account
    in time order."""
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    last = previous.get
    unseen = ()  # no stored figures are (): told apart from None, "no row stored"
    # A bulk load passes millions: plain steps, names bound once, one lookup each.
    for sample in samples:
        account_id = sample.account_id
        ratio = sample.health_ratio
        # NaN means "no requirement" too; NULL compares equal to itself, NaN would not
        # (None != None is False: only a NaN is replaced).
        if ratio != ratio:
            ratio = None
        figures = (sample.margin_balance, sample.maintenance, ratio)
        before = last(account_id, unseen)
        if before is unseen:
            before = previous[account_id] = _last_figures(session, account_id)
        if figures == before:
            continue
        previous[account_id] = figures
        append((account_id, sample.at, figures[0], figures[1], ratio))
    return rows


def _check_marks(rows: Sequence[tuple[Any, ...]]) -> None:
    for row in rows:  # direct inserts: the ORM's checks do not see them
        check_values(PositionMarkRow, {"symbol": row[2], "side": row[3]})


class HistoryStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record_health(self, samples: Iterable[HealthSample]) -> int:
        """Store, in one transaction, each sample whose figures differ from the account's
        previous stored row; samples of one account must come in time order. Returns how
        many rows were stored."""
        with self._db.write() as s:
            rows = _changed(s, samples, {})
            insert_rows(s.connection(), HealthRow, HEALTH_COLUMNS, rows)
            health_minutes.store(s.connection(), health_minutes.fold(rows))
        return len(rows)

    def record_recompute(
        self,
        samples: Sequence[HealthSample],
        marks: Sequence[tuple[int, float, Sequence[PositionMark]]],
    ) -> tuple[int, int]:
        """One recompute's history of several accounts in one transaction and a few
        statements for them all (history_batch.py): each sample whose figures changed, as
        record_health, and each (account id, at, its positions' marks) as
        record_position_marks. Returns how many health and mark rows were stored."""
        with self._db.write() as s:
            conn = s.connection()
            last = last_figures_of(conn, [sample.account_id for sample in samples])
            rows = _changed(s, samples, last)
            insert_rows(conn, HealthRow, HEALTH_COLUMNS, rows)
            health_minutes.store(conn, health_minutes.fold(rows))
            due = due_marks(conn, marks, MARK_INTERVAL)
            _check_marks(due)
            insert_rows(conn, PositionMarkRow, MARK_COLUMNS, due)
        return len(rows), len(due)

    def record_account_health(
        self,
        account_id: int,
        at: float,
        margin_balance: float,
        maintenance: float,
        health_ratio: float | None,
    ) -> bool:
        """One account's figures at one recompute; True if stored (they changed)."""
        sample = HealthSample(account_id, at, margin_balance, maintenance, health_ratio)
        return self.record_health([sample]) == 1

    def record_position_marks(
        self, account_id: int, at: float, marks: Iterable[PositionMark]
    ) -> int:
        """Store each position's mark and liquidation price unless one was stored for it in
        the last MARK_INTERVAL seconds; returns how many were stored."""
        with self._db.write() as s:
            recent = {
                (symbol, side)
                for symbol, side in s.execute(
                    select(PositionMarkRow.symbol, PositionMarkRow.side)
                    .where(
                        PositionMarkRow.account_id == account_id,
                        PositionMarkRow.at > at - MARK_INTERVAL,
                    )
                    .distinct()
                )
            }
            rows = [
                (account_id, at, m.symbol, m.side, m.mark, m.liquidation_price)
                for m in marks
                if (m.symbol, m.side) not in recent
            ]
            _check_marks(rows)
            insert_rows(s.connection(), PositionMarkRow, MARK_COLUMNS, rows)
        return len(rows)

    def health(self, account_id: int, since: float, until: float) -> HealthSeries:
        """Rows with since <= at <= until, preceded by the row in force at `since` (rows are
        stored only on change, so without it a quiet span would chart as empty)."""
        columns = (
            HealthRow.at,
            HealthRow.margin_balance,
            HealthRow.maintenance,
            HealthRow.health_ratio,
        )
        with self._db.read() as s:
            conn = s.connection()  # Core: the ORM's row loading is slower and not needed
            before = conn.execute(
                select(*columns)
                .where(HealthRow.account_id == account_id, HealthRow.at < since)
                .order_by(HealthRow.at.desc())
                .limit(1)
            ).all()
            rows = conn.execute(
                select(*columns)
                .where(
                    HealthRow.account_id == account_id,
                    HealthRow.at >= since,
                    HealthRow.at <= until,
                )
                .order_by(HealthRow.at)
            ).all()
        table = _columns([*before, *rows], 4)
        return HealthSeries(*(np.ascontiguousarray(table[:, i]) for i in range(4)))

    def chart(
        self, account_id: int, since: float, until: float, points: int = CHART_POINTS
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Health ratio over [since, until] as a chart of `points` columns can show it: (times,
        ratios), NaN where there was no ratio (a gap). A span of up to RAW_SPAN is every stored
        row; a longer one per bucket of a column's width (a minute at least) its lowest and
        highest ratio at their times and its first gap — never an average. The row in force at
        `since` comes first either way."""
        if until - since <= RAW_SPAN:
            series = self.health(account_id, since, until)
            return series.at, series.health_ratio
        with self._db.read() as s:
            conn = s.connection()
            before = conn.execute(
                select(HealthRow.at, HealthRow.health_ratio)
                .where(HealthRow.account_id == account_id, HealthRow.at < since)
                .order_by(HealthRow.at.desc())
                .limit(1)
            ).all()
            minutes = health_minutes.read(conn, account_id, since, until)
        width = max((until - since) / max(1, points), health_minutes.MINUTE)
        t, h = health_minutes.envelope(minutes, since, width)
        if before:
            head = _columns(before, 2)
            t, h = np.r_[head[:, 0], t], np.r_[head[:, 1], h]
        return t, h

    def marks(
        self, account_id: int, symbol: str, side: str, since: float, until: float
    ) -> MarkSeries:
        with self._db.read() as s:
            rows = (
                s.connection()
                .execute(
                    select(
                        PositionMarkRow.at, PositionMarkRow.mark, PositionMarkRow.liquidation_price
                    )
                    .where(
                        PositionMarkRow.account_id == account_id,
                        PositionMarkRow.symbol == symbol,
                        PositionMarkRow.side == side,
                        PositionMarkRow.at >= since,
                        PositionMarkRow.at <= until,
                    )
                    .order_by(PositionMarkRow.at)
                )
                .all()
            )
        table = _columns(rows, 3)
        return MarkSeries(*(np.ascontiguousarray(table[:, i]) for i in range(3)))

    def thin(self, now: float, retention_days: float | None = None) -> int:
        """Thin rows older than the retention (the stored setting unless given) to one per
        hour; returns how many rows were removed. See thinning.py for which row stays."""
        if retention_days is None:
            retention_days = float(self._db.settings.get(RETENTION_DAYS_KEY))
        with self._db.write() as s:
            return thin_history(s, now - retention_days * 86400.0)
