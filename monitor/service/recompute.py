"""From what the store holds for one account to the AccountSnapshot the front ends draw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from monitor.domain import AccountHealth, Position, evaluate_accounts
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, PositionRef, SourceStatus
from monitor.store.pools import pool_account
from monitor.store.positions import pool_of
from monitor.store.records import AccountRecord, StoredPosition

# Beyond this relative gap our liquidation price and the venue's are called a disagreement.
DISAGREEMENT = 0.005


def with_marks(position: Position, marks: Mapping[str, float]) -> Position:
    mark = marks.get(position.symbol)
    return position if mark is None else replace(position, mark_price=mark)


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
    """Evaluate every pool of the account with its switched-on hypotheticals and without any.

    `judged`: each pool's disagreement as judged when the venue's figures were fetched, kept
    while streamed marks move the book (the venue's figures are of the fetch's marks: set
    beside later marks they would differ by the move, not by a rule)."""
    live = [s for s in stored if not (s.kind == "hypothetical" and not s.enabled)]
    disabled = tuple(
        (s.position_id, with_marks(s.position, marks))
        for s in stored
        if s.kind == "hypothetical" and not s.enabled
    )
    names = [p.name for p in record.pools]
    pools = []
    for pool in record.pools:
        members = [s for s in live if pool_of(s.position, s.pool, names) == pool.name]
        positions = tuple(with_marks(s.position, marks) for s in members)
        account = pool_account(
            record.name, record.venue, record.collateral, pool, len(names), positions
        )
        if any(p.hypothetical for p in positions):
            base = replace(account, positions=tuple(p for p in positions if not p.hypothetical))
            health, baseline = evaluate_accounts([account, base], record.thresholds)
        else:  # no what-if switched on: the book is its own baseline, evaluated once
            (health,) = evaluate_accounts([account], record.thresholds)
            baseline = health
        pools.append(
            PoolSnapshot(
                pool=pool.name,
                account=account,
                refs=tuple(
                    PositionRef(s.position_id if s.kind != "live" else None, s.kind, s.enabled)
                    for s in members
                ),
                health=health,
                baseline=baseline,
                exchange_disagreement=(
                    disagreement(baseline, pool.exchange_health_ratio)
                    if judged is None
                    else judged.get(pool.name)
                ),
            )
        )
    return AccountSnapshot(
        account_id=record.account_id,
        name=record.name,
        kind=record.kind,
        venue=record.venue,
        thresholds=record.thresholds,
        pools=AccountSnapshot.order(pools),
        status=status,
        disabled=disabled,
        markets=tuple(sorted(marks.items())),
        interval=interval,
        verified=verified,
    )
