"""Stress curves worked out off the GUI thread.

A stress curve evaluates the charted pool at every move of the grid (201 uniform moves of the
marks): a millisecond or more of numpy, twice with what-ifs, that has no place on the GUI thread.
The presenter asks for an account snapshot's curves as the snapshot arrives; one worker thread
computes them and the chart draws the newest finished ones, at the next render or as soon as
they land. The GUI thread only draws.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Signal

from monitor.domain.whatif import stress_curve
from monitor.service.snapshot import AccountSnapshot
from monitor.ui.pools import charted, has_whatif
from monitor.ui.stress import STRESS_MOVES

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, eq=False)
class StressCurves:
    """What the stress chart draws for one account snapshot."""

    source: AccountSnapshot  # the snapshot they are of
    after: NDArray[np.float64]  # the pool's health over STRESS_MOVES
    before: NDArray[np.float64] | None  # the same without the what-ifs; None without what-ifs
    health_now: float | None
    crossings: tuple[float | None, float | None]  # the moves down and up to liquidation
    pool: str  # the pool's name when the account has several, else ""


def stress_curves(account: AccountSnapshot) -> StressCurves:
    """The curves of the pool the chart shows: the one a what-if lands in, else the worst."""
    pool = charted(account)
    if pool is None:
        nothing = np.full(len(STRESS_MOVES), np.nan)
        return StressCurves(account, nothing, None, None, (None, None), "")
    after = stress_curve(pool.account, STRESS_MOVES)
    before = None
    if has_whatif(pool):
        real = tuple(
            p
            for p, r in zip(pool.account.positions, pool.refs, strict=False)
            if r.kind != "hypothetical" and not p.hypothetical
        )
        before = stress_curve(dataclasses.replace(pool.account, positions=real), STRESS_MOVES)
    report = pool.health
    return StressCurves(
        account,
        after,
        before,
        report.health_ratio,
        (report.liquidation_move_down, report.liquidation_move_up),
        pool.pool if len(account.pools) > 1 else "",
    )


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _worker_thread() -> ThreadPoolExecutor:
    """One thread for every window's curves, started when first needed."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stress-curves")
        return _executor


class _Relay:
    """Tells the GUI thread that curves landed, until `detach` (the QObject is gone)."""

    def __init__(self, owner: StressWorker) -> None:
        self._owner: StressWorker | None = owner
        self._lock = threading.Lock()

    def detach(self) -> None:
        with self._lock:
            self._owner = None

    def landed(self) -> None:
        with self._lock:
            if self._owner is not None:
                self._owner.landed.emit()  # queued: the slot runs on the GUI thread


class StressWorker(QObject):
    """Computes stress curves on the worker thread; `landed` fires (on the GUI thread) when
    curves are in. Only the newest request matters: one still queued when a newer one comes
    is dropped."""

    landed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._asked: AccountSnapshot | None = None
        self._queued: Future[StressCurves] | None = None
        self._done: dict[int, StressCurves] = {}  # the newest finished curves, by account id
        relay = self._relay = _Relay(self)
        self.destroyed.connect(lambda *_: relay.detach())

    def request(self, account: AccountSnapshot) -> None:
        """Start on the account snapshot's curves, unless they are done or under way."""
        with self._lock:
            done = self._done.get(account.account_id)
            if account is self._asked or (done is not None and done.source is account):
                return
            self._asked = account
            if self._queued is not None:
                self._queued.cancel()  # not started yet: no longer wanted
            future = self._queued = _worker_thread().submit(stress_curves, account)
        future.add_done_callback(self._finished)

    def newest(self, account_id: int) -> StressCurves | None:
        """The newest finished curves of the account (of its latest snapshot once they land)."""
        with self._lock:
            return self._done.get(account_id)

    def close(self) -> None:
        """Drop what is queued and stop telling the GUI thread."""
        self._relay.detach()
        with self._lock:
            if self._queued is not None:
                self._queued.cancel()

    def _finished(self, future: Future[StressCurves]) -> None:  # on the worker thread
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            log.error("stress curves failed", exc_info=error)
            return
        curves = future.result()
        with self._lock:
            self._done[curves.source.account_id] = curves
        self._relay.landed()
