"""The pace toward liquidation: how fast each pool's liquidating move shrank over the last
minute, and the time left at that pace. Kept by the service (Qt-free); the clock is passed in.

Per pool, the (time, move) samples of the last `window` seconds of the nearer of its moves down
and up that liquidate (the move its alerts are judged by, without what-ifs). Over the window,
pace = (oldest move - move now) / (now - oldest time), only when the move shrank; the estimate
is eta = move now / pace. A change of side (the nearer move was down, is now up) starts over.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

from monitor.service.snapshot import AccountSnapshot, PoolSnapshot

WINDOW = 60.0  # seconds


@dataclass(frozen=True)
class Sample:
    at: float
    move: float


def eta(samples: deque[Sample]) -> float | None:
    """Seconds to liquidation at the pace of the samples (oldest first); None unless the move
    shrank between the oldest and the newest."""
    if len(samples) < 2:
        return None
    first, last = samples[0], samples[-1]
    elapsed = last.at - first.at
    shrink = first.move - last.move
    if not (elapsed > 0 and shrink > 0):
        return None
    return last.move * elapsed / shrink  # move now / (shrink per second)


class PaceTracker:
    """Owned by the service thread; not thread-safe by design."""

    def __init__(self, window: float = WINDOW) -> None:
        self.window = window
        self._samples: dict[tuple[int, str], tuple[str, deque[Sample]]] = {}

    def observe(self, snap: AccountSnapshot, now: float) -> AccountSnapshot:
        """Take this recompute's moves of every pool of a current snapshot; the snapshot with
        each pool's eta. Figures that are not current are not sampled and get no eta."""
        for key in [k for k in self._samples if k[0] == snap.account_id]:
            if key[1] not in {p.pool for p in snap.pools}:
                del self._samples[key]  # a pool that is gone
        if not snap.known:
            return snap
        pools = tuple(self._pool(snap.account_id, pool, now) for pool in snap.pools)
        return replace(snap, pools=pools)

    def forget(self, account_id: int) -> None:
        for key in [k for k in self._samples if k[0] == account_id]:
            del self._samples[key]

    def _pool(self, account_id: int, pool: PoolSnapshot, now: float) -> PoolSnapshot:
        key = (account_id, pool.pool)
        health = pool.baseline
        down, up = health.liquidation_move_down, health.liquidation_move_up
        moves = [(m, side) for side, m in (("down", down), ("up", up)) if m is not None]
        if not moves:  # nothing liquidates it, or it is past liquidation already
            self._samples.pop(key, None)
            return replace(pool, eta_seconds=None)
        move, side = min(moves)
        kept = self._samples.get(key)
        samples = kept[1] if kept is not None and kept[0] == side else deque()
        samples.append(Sample(now, move))
        while samples and samples[0].at < now - self.window:
            samples.popleft()
        self._samples[key] = (side, samples)
        return replace(pool, eta_seconds=eta(samples))
