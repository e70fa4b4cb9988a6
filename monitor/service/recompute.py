"""From what the store holds for one account to the AccountSnapshot the front ends draw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from monitor.domain import Account, AccountHealth, Position, evaluate_accounts
from monitor.service.snapshot import AccountSnapshot, PositionRef, SourceStatus
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
) -> AccountSnapshot:
    """Evaluate the account with its switched-on hypotheticals and without any."""
    live = [s for s in stored if not (s.kind == "hypothetical" and not s.enabled)]
    refs = tuple(
        PositionRef(s.position_id if s.kind != "live" else None, s.kind, s.enabled) for s in live
    )
    disabled = tuple(
        (s.position_id, with_marks(s.position, marks))
        for s in stored
        if s.kind == "hypothetical" and not s.enabled
    )
    account: Account | None = None
    health = baseline = None
    if record.wallet_balance is not None:
        positions = tuple(with_marks(s.position, marks) for s in live)
        account = Account(
            name=record.name,
            wallet_balance=record.wallet_balance,
            positions=positions,
            venue=record.venue,
            collateral=record.collateral,
            exchange_health_ratio=record.exchange_health_ratio,
        )
        base = replace(account, positions=tuple(p for p in positions if not p.hypothetical))
        health, baseline = evaluate_accounts([account, base], record.thresholds)
        health = replace(health, name=record.name)
        baseline = replace(baseline, name=record.name)
    return AccountSnapshot(
        account_id=record.account_id,
        name=record.name,
        kind=record.kind,
        venue=record.venue,
        thresholds=record.thresholds,
        account=account,
        refs=refs,
        health=health,
        baseline=baseline,
        status=status,
        disabled=disabled,
        exchange_disagreement=(
            None if baseline is None else disagreement(baseline, record.exchange_health_ratio)
        ),
        markets=tuple(sorted(marks.items())),
        interval=interval,
    )
