"""Feeds each recompute to the alert state machine and keeps every transition in the store."""

from __future__ import annotations

from collections.abc import Iterable

from monitor.domain import MarginMode
from monitor.domain.alerts import (
    AccountFeed,
    AlertEvent,
    AlertRules,
    AlertState,
    SubjectReading,
    acknowledge,
    cancel_snooze,
    evaluate,
    snooze,
)
from monitor.service.snapshot import AccountSnapshot, SourceState
from monitor.store.database import Database

StoredAlert = tuple[AlertEvent, int]


def account_key(account_id: int) -> str:
    return str(account_id)


def position_key(account_id: int, symbol: str, side: str) -> str:
    return f"{account_id}:{symbol}:{side}"


def pool_key(account_id: int, pool: str, pools: int) -> str:
    """A single-pool account's pool is the account itself; several are told apart by name."""
    return account_key(account_id) if pools == 1 else f"{account_id}:pool:{pool}"


def readings(snap: AccountSnapshot) -> list[SubjectReading]:
    """Every pool and each isolated position, as the engine saw them (hypotheticals excluded:
    a what-if must never ring the alarm — the baseline is what the trader really holds)."""
    out = []
    account = account_key(snap.account_id)
    for pool in snap.pools:
        health = pool.baseline
        label = snap.label if len(snap.pools) == 1 else f"{snap.label} {pool.pool} pool"
        # The pool's distance is the uniform market move that liquidates it (the correlated
        # drawdown), not one position's move with the others held still.
        moves = [
            (m, word)
            for m, word in (
                (health.liquidation_move_down, "falls"),
                (health.liquidation_move_up, "rises"),
            )
            if m is not None
        ]
        pool_distance = min(moves, default=(None, "moves"))
        out.append(
            SubjectReading(
                key=pool_key(snap.account_id, pool.pool, len(snap.pools)),
                account=account,
                label=label,
                health=health.health_ratio,
                thresholds=snap.thresholds,
                distance=pool_distance[0],
                direction=pool_distance[1],
                eta_seconds=pool.eta_seconds,
                unknown=health.unknown,
            )
        )
        for p in health.positions:
            if p.margin_mode is MarginMode.ISOLATED:
                out.append(
                    SubjectReading(
                        key=position_key(snap.account_id, p.symbol, p.side.value),
                        account=account,
                        label=f"{snap.label} {p.symbol} {p.side.value}",
                        health=p.health_ratio,
                        thresholds=snap.thresholds,
                        distance=p.distance_to_liquidation,
                        direction="falls" if p.side.value == "long" else "rises",
                        unknown=p.unknown,
                    )
                )
    return out


def feed(snap: AccountSnapshot, now: float) -> AccountFeed:
    status = snap.status
    manual = status.state is SourceState.MANUAL
    return AccountFeed(
        account=account_key(snap.account_id),
        label=snap.label,
        interval=snap.interval,
        age=0.0 if manual else status.age(now),
        error=status.last_error
        if status.state in (SourceState.ERROR, SourceState.AUTH_FAILED)
        else None,
        disagreement=snap.exchange_disagreement,
    )


class AlertRunner:
    """Owned by the service thread; not thread-safe by design."""

    def __init__(self, db: Database, rules: AlertRules) -> None:
        self._db = db
        self.rules = rules
        self.state = AlertState()

    def step(self, snapshots: Iterable[AccountSnapshot], now: float) -> list[StoredAlert]:
        snaps = list(snapshots)
        fresh = [s for s in snaps if s.status.state in (SourceState.OK, SourceState.MANUAL)]
        all_readings = [r for s in fresh for r in readings(s)]
        feeds = [feed(s, now) for s in snaps]
        self.state, events = evaluate(self.state, now, all_readings, feeds, self.rules)
        return self._store(events)

    def snooze(self, key: str, seconds: float, now: float) -> list[StoredAlert]:
        self.state, events = snooze(self.state, key, now, seconds)
        return self._store(events)

    def cancel_snooze(self, key: str, now: float) -> list[StoredAlert]:
        self.state, events = cancel_snooze(self.state, key, now)
        return self._store(events)

    def acknowledge(self, key: str, now: float) -> list[StoredAlert]:
        self.state, events = acknowledge(self.state, key, now)
        return self._store(events)

    def _store(self, events: list[AlertEvent]) -> list[StoredAlert]:
        """Log every transition; each comes back with its stored id (to acknowledge it by)."""
        stored = []
        for e in events:
            account_id = int(e.account) if e.account.isdigit() else None
            alert_id = self._db.alerts.append(
                account_id=account_id,
                position_key=None if e.subject == e.account else e.subject,
                kind=e.kind.value,
                level=e.level.label,
                message=e.message,
                at=e.at,
                until=e.until,
            )
            stored.append((e, alert_id))
        return stored
