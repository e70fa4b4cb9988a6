"""Feeds each recompute to the alert state machine and keeps every transition in the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

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
from monitor.service.alert_claims import closes_above, transitions
from monitor.service.snapshot import AccountSnapshot, SourceState
from monitor.store.database import Database
from monitor.store.deliveries import Transition

StoredAlert = tuple[AlertEvent, int | None]  # None: not logged here (a viewer)


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
        # In words where diagnosed (the banner, the status bar and webhooks read it).
        error=(status.advice or status.last_error)
        if status.state in (SourceState.ERROR, SourceState.AUTH_FAILED)
        else None,
        disagreement=snap.exchange_disagreement,
    )


class AlertRunner:
    """Owned by the service thread; not thread-safe by design.

    `holder`: this process's name among collectors sharing the database. With it, every
    alert that would ring is first claimed in the database (store/deliveries.py) and rings
    only if the claim lands: an alert is sent once however many processes compute it; the
    others log it without ringing. `log=False` (a viewer window): nothing is written at all —
    the collectors keep the shared log; the window only shows what it computes."""

    def __init__(
        self, db: Database, rules: AlertRules, *, holder: str | None = None, log: bool = True
    ) -> None:
        self._db = db
        self.rules = rules
        self.state = AlertState()
        self._holder = holder
        self._log = log
        self._seen: set[str] = set()  # subjects this runner has judged since it took them

    def step(self, snapshots: Iterable[AccountSnapshot], now: float) -> list[StoredAlert]:
        snaps = list(snapshots)
        fresh = [s for s in snaps if s.status.state in (SourceState.OK, SourceState.MANUAL)]
        all_readings = [r for s in fresh for r in readings(s)]
        return self.step_readings(all_readings, now, [feed(s, now) for s in snaps])

    def step_readings(
        self, subjects: list[SubjectReading], now: float, feeds: Iterable[AccountFeed] = ()
    ) -> list[StoredAlert]:
        self.state, events = evaluate(self.state, now, subjects, feeds, self.rules)
        return self._store(events, now)

    def forget(self, account_id: int) -> None:
        """The account went to another collector: drop its state without an event (it was not
        removed; its alerts carry on over there)."""
        account = account_key(account_id)
        self.state = replace(
            self.state,
            subjects={k: v for k, v in self.state.subjects.items() if v.account != account},
            feeds={k: v for k, v in self.state.feeds.items() if k != account},
        )
        self._seen = {k for k in self._seen if k in self.state.subjects}

    def snooze(self, key: str, seconds: float, now: float) -> list[StoredAlert]:
        self.state, events = snooze(self.state, key, now, seconds)
        return self._store(events, now)

    def cancel_snooze(self, key: str, now: float) -> list[StoredAlert]:
        self.state, events = cancel_snooze(self.state, key, now)
        return self._store(events, now)

    def acknowledge(self, key: str, now: float) -> list[StoredAlert]:
        self.state, events = acknowledge(self.state, key, now)
        return self._store(events, now)

    def record(self, events: list[AlertEvent], now: float) -> list[StoredAlert]:
        """Events raised outside the state machine (the probability alert): claimed among
        collectors and logged like the others."""
        return self._store(events, now)

    def claimed(self, events: list[AlertEvent], now: float) -> list[AlertEvent]:
        """Each event that would ring rings only if this process's claim lands."""
        if self._holder is None:
            return events
        batch: list[Transition] = []
        own_at: list[int | None] = []
        for event in events:
            own, ended = transitions(event)
            own_at.append(len(batch) if own is not None and own.notify else None)
            batch.extend([own, *ended] if own is not None else ended)
        # First sight of a subject (this process just took its account): the episodes above
        # its level ended while nobody watched, so a new raise of them is news again.
        for key, subject in self.state.subjects.items():
            if key not in self._seen and subject.known:
                self._seen.add(key)
                account_id = int(subject.account) if subject.account.isdigit() else None
                batch.extend(closes_above(account_id, key, subject.level))
        if not batch:
            return events
        won = self._db.deliveries.claim(self._holder, now, batch)
        return [
            e if at is None or won[at] else replace(e, notify=False)
            for e, at in zip(events, own_at, strict=True)
        ]

    def _store(self, events: list[AlertEvent], now: float) -> list[StoredAlert]:
        """Log every transition; each comes back with its stored id (to acknowledge it by)."""
        events = self.claimed(events, now)
        stored: list[StoredAlert] = []
        for e in events:
            if not self._log:
                stored.append((e, None))
                continue
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
