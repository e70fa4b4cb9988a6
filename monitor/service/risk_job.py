"""Probability of liquidation and funding, recomputed in the background.

The job listens to the service's snapshots (on the service thread, where it only notes what
changed) and does the work on a thread of its own: for an account whose positions changed,
whose distance to liquidation moved by a tenth, or whose figures are older than `every`
seconds, it reads the venue's candles and funding and
simulates the paths (risk_figures.py) — never on the UI thread, never on the service's loop.
Each result is handed to `publish` as an AccountRisk.

Wiring (the lead's): job = RiskJob(publish=..., market_of=...); service.subscribe(job.on_snapshot);
job.start(); ... job.stop(). A front end gets AccountRisk objects (immutable, safe to hand
across threads) and shows e.g. "24 h: 18 % ± 1 %" from pools[i][1].probability["24h"].
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from monitor.domain.model import MarginMode
from monitor.domain.risk.alarm import ProbabilityAlarm
from monitor.domain.risk.probability import Settings
from monitor.service.probability_alerts import PROBABILITY_ALERT
from monitor.service.risk_figures import MarketInputs, PoolRisk, pool_risks, read_market
from monitor.service.snapshot import AccountSnapshot, Snapshot
from monitor.service.sources import SimResolver, exchange_settings
from monitor.store.records import AccountRecord

log = logging.getLogger(__name__)

# Paths cost seconds of CPU (about 4 s for the demo's six positions): recomputed when what
# they depend on changed — the positions held, or how far the market is from liquidating a
# pool or isolated position (MOVE_CHANGE of it) — and otherwise every EVERY seconds for the
# newest candles and funding. A window left open on a quiet book stays idle.
EVERY = 1800.0
MOVE_CHANGE = 0.10


@dataclass(frozen=True)
class AccountRisk:
    """One account's figures: per pool (its name, as PoolSnapshot.pool) the cross pool's and
    each isolated position's PoolRisk (`symbol` set for those)."""

    account_id: int
    computed_at: float
    paths: int
    pools: tuple[tuple[str, PoolRisk], ...]


MarketOf = Callable[[AccountSnapshot], tuple[str | None, str | None]]
# The account's probability alert (0.10: ring at a 10 % chance within 24 h), None: off.
AlertOf = Callable[[AccountSnapshot], float | None]
# on_alarm(account_id, subject key, text, ringing): ringing False when it re-armed.
OnAlarm = Callable[[int, str, str, bool], None]


def no_alert(_account: AccountSnapshot) -> float | None:
    return None


def stored_alert(record_of: Callable[[int], AccountRecord | None]) -> AlertOf:
    """alert_of from the accounts' stored settings (`accounts set NAME --probability-alert`)."""

    def alert_of(account: AccountSnapshot) -> float | None:
        record = record_of(account.account_id)
        value = None if record is None else record.settings.get(PROBABILITY_ALERT)
        return None if value is None else float(value)

    return alert_of


def venue_of(account: AccountSnapshot) -> tuple[str | None, str | None]:
    """The account's own venue, at its default address (a simulated venue: pass market_of)."""
    return account.venue, None


def stored_market(
    record_of: Callable[[int], AccountRecord | None], sim: SimResolver | None = None
) -> MarketOf:
    """market_of from the accounts' stored settings (e.g. MonitorService.record and the
    session's LocalVenue.resolve): an exchange account's venue and REST address, a manual
    account's marks venue, a simulated account's local venue. Public reads: no keys used."""

    def market_of(account: AccountSnapshot) -> tuple[str | None, str | None]:
        record = record_of(account.account_id)
        if record is None:
            return account.venue, None
        if record.kind == "manual":
            return record.settings.get("marks_from"), record.settings.get("marks_api_url")
        if record.kind == "simulated":
            if sim is None:
                return None, None
            settings = sim(record).settings
        else:
            settings = exchange_settings(record)
        return settings.exchange_id, settings.api_url

    return market_of


def _structure(account: AccountSnapshot) -> tuple[object, ...]:
    """What, when it changes, calls for new paths: the positions held (not their marks)."""
    return tuple(
        (pool.pool, p.symbol, p.side, p.contracts, p.margin_mode, p.isolated_margin)
        for pool in account.pools
        for p in pool.account.positions
    )


def _distances(account: AccountSnapshot) -> tuple[float | None, ...]:
    """How far each pool (its nearer liquidating move) and each isolated position (its
    distance) is from liquidation: the odds follow these."""
    out: list[float | None] = []
    for pool in account.pools:
        out.append(pool.baseline.liquidation_move)
        out.extend(
            p.distance_to_liquidation
            for p in pool.baseline.positions
            if p.margin_mode is MarginMode.ISOLATED
        )
    return tuple(out)


def _moved(then: tuple[float | None, ...], now: tuple[float | None, ...]) -> bool:
    if len(then) != len(now):
        return True
    for a, b in zip(then, now, strict=True):
        if (a is None) != (b is None):
            return True
        if a is not None and b is not None and abs(b - a) > MOVE_CHANGE * abs(a):
            return True
    return False


Stamp = tuple[tuple[object, ...], tuple[float | None, ...], float]


def stamp(account: AccountSnapshot, at: float) -> Stamp:
    """What an account's figures are computed from (its positions and distances), and when."""
    return _structure(account), _distances(account), at


def paths_stale(done: Stamp | None, account: AccountSnapshot, now: float, every: float) -> bool:
    """Whether the account's figures (computed as `done` says) call for new paths now."""
    return (
        done is None
        or done[0] != _structure(account)
        or _moved(done[1], _distances(account))
        or now - done[2] >= every
    )


class RiskJob:
    def __init__(
        self,
        publish: Callable[[AccountRisk], None],
        *,
        market_of: MarketOf = venue_of,
        every: float = EVERY,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.time,
        alert_of: AlertOf = no_alert,
        on_alarm: OnAlarm | None = None,
    ) -> None:
        """`alert_of` (off by default) gives each account's probability threshold; a pool
        whose 24 h probability rises to it rings `on_alarm` once (ProbabilityAlarm), and again
        only after it fell clearly back."""
        self._publish = publish
        self._market_of = market_of
        self._every = every
        self._settings = settings or Settings()
        self._clock = clock
        self._alert_of = alert_of
        self._alarms: dict[int, ProbabilityAlarm] = {}  # per account, at its threshold
        self._on_alarm = on_alarm
        self._wake = threading.Condition()
        self._latest: dict[int, AccountSnapshot] = {}
        # structure, distances and when, as last computed
        self._done: dict[int, Stamp] = {}
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="risk-job", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join(timeout)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """A service listener: note the accounts (cheap; runs on the service thread)."""
        with self._wake:
            self._latest = {a.account_id: a for a in snapshot.accounts if a.known}
            self._wake.notify()

    def _due(self) -> list[AccountSnapshot]:
        now = self._clock()
        return [
            account
            for account_id, account in self._latest.items()
            if paths_stale(self._done.get(account_id), account, now, self._every)
        ]

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and not (due := self._due()):
                    self._wake.wait(timeout=max(1.0, self._every / 10))
                if self._stopping:
                    return
            for account in due:
                try:
                    self._compute(account)
                except Exception:  # one account's failure must not stop the others' figures
                    log.exception("risk figures failed for account %s", account.account_id)
                    with self._wake:
                        self._done[account.account_id] = self._stamp(account)

    def _stamp(self, account: AccountSnapshot, at: float | None = None) -> Stamp:
        return stamp(account, self._clock() if at is None else at)

    def _compute(self, account: AccountSnapshot) -> None:
        pools = [pool.account for pool in account.pools]
        symbols = sorted({p.symbol for pool in pools for p in pool.positions})
        venue, api_url = self._market_of(account)
        market = (
            asyncio.run(read_market(venue, api_url, symbols)) if symbols else MarketInputs.none()
        )
        warnings = [account.thresholds.warning] * len(pools)
        risks = pool_risks(pools, warnings, market, self._settings)
        names = [pool.pool for pool in account.pools]
        result = AccountRisk(
            account.account_id,
            self._clock(),
            self._settings.paths,
            tuple((names[r.pool], r) for r in risks),
        )
        with self._wake:
            self._done[account.account_id] = self._stamp(account, result.computed_at)
        self._publish(result)
        self._ring(account, result)

    def _ring(self, account: AccountSnapshot, result: AccountRisk) -> None:
        """Each pool's figures through the account's ProbabilityAlarm (kept while its
        threshold stands, so one crossing rings once however often the figures come)."""
        threshold = self._alert_of(account)
        alarm = self._alarms.get(account.account_id)
        if alarm is None or alarm.threshold != threshold:
            alarm = self._alarms[account.account_id] = ProbabilityAlarm(threshold)
        if threshold is None or self._on_alarm is None:
            return
        for name, r in result.pools:
            label = f"{account.label} {name}" if r.symbol is None else f"{account.label} {r.symbol}"
            subject = f"{account.account_id}:probability:{name}:{r.symbol or 'pool'}"
            was = alarm.rung(label)
            text = alarm.check(label, dict(r.probability))
            if text:
                self._on_alarm(account.account_id, subject, text, True)
            elif was and not alarm.rung(label):
                back = f"{label}: liquidation within 24 h back below {threshold * 100:g} %"
                self._on_alarm(account.account_id, subject, back, False)
