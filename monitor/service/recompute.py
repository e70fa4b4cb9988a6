"""From what the store holds for one account to the AccountSnapshot the front ends draw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitor.domain import AccountHealth, Position
from monitor.service.prepared import (
    JoinedBooks,
    PreparedAccount,
    at_mark,
    evaluate_prepared,
    prepare,
)
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, SourceStatus
from monitor.store.records import AccountRecord, StoredPosition

# Beyond this relative gap our liquidation price and the venue's are called a disagreement.
DISAGREEMENT = 0.005


def with_marks(position: Position, marks: Mapping[str, float]) -> Position:
    mark = marks.get(position.symbol)
    return position if mark is None else at_mark(position, mark)


def disagreement(health: AccountHealth, venue_ratio: float | None = None) -> str | None:
    """Words for the trader when the venue's pool ratio or one of its liquidation prices
    differs from ours by more than 0.5 %: the larger gap is reported."""
    worst: tuple[float, str] | None = None
    ours_ratio = health.health_ratio
    if venue_ratio is not None and ours_ratio is not None and venue_ratio > 0:
        gap = abs(ours_ratio - venue_ratio) / venue_ratio
        if gap > DISAGREEMENT:
            worst = (
                gap,
                f"venue health {venue_ratio:.3f} vs ours {ours_ratio:.3f} "
                f"({gap * 100:.2f} % apart)",
            )
    for p in health.positions:
        ours, theirs = p.liquidation_price, p.exchange_liquidation_price
        if p.hypothetical or theirs is None:
            continue
        if ours is None:
            gap, text = 1.0, f"{p.symbol} {p.side.value}: venue liq {theirs:,.6g}, ours none"
        else:
            gap = abs(ours - theirs) / theirs
            text = (
                f"{p.symbol} {p.side.value}: venue liq {theirs:,.6g} vs ours {ours:,.6g} "
                f"({gap * 100:.2f} % apart)"
            )
        if gap > DISAGREEMENT and (worst is None or gap > worst[0]):
            worst = (gap, text)
    return None if worst is None else worst[1]


@dataclass(frozen=True)
class SnapshotJob:
    """One account to evaluate: its prepared pools and the marks to evaluate them at."""

    prepared: PreparedAccount
    status: SourceStatus
    marks: Mapping[str, float]
    interval: float
    verified: bool = True
    # Each pool's disagreement as judged when the venue's figures were fetched, kept while
    # streamed marks move the book (the venue's figures are of the fetch's marks: set beside
    # later marks they would differ by the move, not by a rule). None: judge now.
    judged: Mapping[str, str | None] | None = None


def build_snapshots(
    jobs: Sequence[SnapshotJob], joins: JoinedBooks | None = None
) -> list[AccountSnapshot]:
    """Evaluate every pool of every job, with its switched-on hypotheticals and without any, in
    one vectorised pass (a tick moves the pools of every account holding the symbol)."""
    results = evaluate_prepared([(job.prepared, job.marks) for job in jobs], joins)
    snapshots = []
    for job, pool_results in zip(jobs, results, strict=True):
        record, marks = job.prepared.record, job.marks
        pools = [
            PoolSnapshot(
                pool=prepared.pool.name,
                account=result.account,
                refs=prepared.refs,
                health=result.health,
                baseline=result.baseline,
                exchange_disagreement=(
                    disagreement(result.baseline, prepared.pool.exchange_health_ratio)
                    if job.judged is None
                    else job.judged.get(prepared.pool.name)
                ),
            )
            for prepared, result in zip(job.prepared.pools, pool_results, strict=True)
        ]
        snapshots.append(
            AccountSnapshot(
                account_id=record.account_id,
                name=record.name,
                kind=record.kind,
                venue=record.venue,
                thresholds=record.thresholds,
                pools=AccountSnapshot.order(pools),
                status=job.status,
                disabled=tuple(
                    (position_id, with_marks(position, marks))
                    for position_id, position in job.prepared.disabled
                ),
                markets=tuple(sorted(marks.items())),
                interval=job.interval,
                verified=job.verified,
            )
        )
    return snapshots


def build_snapshot(
    record: AccountRecord,
    stored: Sequence[StoredPosition],
    status: SourceStatus,
    marks: Mapping[str, float],
    interval: float,
    *,
    verified: bool = True,
    judged: Mapping[str, str | None] | None = None,
) -> AccountSnapshot:
    """One account's snapshot from its stored rows (see build_snapshots)."""
    job = SnapshotJob(prepare(record, stored), status, marks, interval, verified, judged)
    return build_snapshots([job])[0]
