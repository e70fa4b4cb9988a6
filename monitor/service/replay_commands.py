"""The window's crash replay: one account's pools as they stand, through a past window's
candles (crash_replay.py), worked out on a thread of its own — the candles are read over the
network and every minute of the window is judged, which must hold up neither the window nor
the service's loop."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from monitor.domain.model import Thresholds
from monitor.domain.risk.replay import Replay
from monitor.service.crash_replay import replay_window
from monitor.service.risk_job import stored_market

if TYPE_CHECKING:
    from collections.abc import Callable

    from monitor.service.snapshot import AccountSnapshot
    from monitor.service.sources import SimResolver
    from monitor.store.records import AccountRecord

MINUTE_MS = 60_000


@dataclass(frozen=True)
class ReplayResult:
    """`pools`: (the pool's name as the window shows it, its Replay) — the cross pools, then
    each isolated position; `first_ms`: the window's first minute (a Replay's minute 0)."""

    account: str
    first_ms: int
    end_ms: int
    thresholds: Thresholds
    pools: tuple[tuple[str, Replay], ...]


def _label(r: Replay) -> str:
    """'USDT' for a cross pool, 'USDT DOGE/USDT:USDT isolated' for an isolated position."""
    return r.account if r.symbol is None else f"{r.account} {r.symbol} isolated"


class ReplayCommandsMixin:
    """MonitorService's crash replay; the service provides what is declared here."""

    if TYPE_CHECKING:
        _snapshots: dict[int, AccountSnapshot]
        _sim: SimResolver | None

        def record(self, account_id: int) -> AccountRecord | None: ...
        def _run(self, fn: Callable[[], Any]) -> Future[Any]: ...

    def crash_replay(self, account_id: int, start_ms: int, end_ms: int) -> Future[ReplayResult]:
        """The account's pools replayed through [start_ms, end_ms] on its venue's candles."""
        out: Future[ReplayResult] = Future()

        def gather() -> tuple[AccountSnapshot, tuple[str | None, str | None]]:  # loop thread
            snap = self._snapshots.get(account_id)
            if snap is None or not snap.known:
                raise ValueError(f"account {account_id}: no figures yet to replay")
            return snap, stored_market(self.record, self._sim)(snap)

        def work(snap: AccountSnapshot, market: tuple[str | None, str | None]) -> None:
            try:
                # Each pool named as the window shows it (an account's pools share its name).
                pools = [replace(p.account, name=p.pool or snap.name) for p in snap.pools]
                replays = asyncio.run(
                    replay_window(pools, snap.thresholds, *market, start_ms, end_ms)
                )
                out.set_result(
                    ReplayResult(
                        snap.name,
                        -(-start_ms // MINUTE_MS) * MINUTE_MS,
                        end_ms,
                        snap.thresholds,
                        tuple((_label(r), r) for r in replays),
                    )
                )
            except BaseException as exc:  # the window must hear of any failure
                out.set_exception(exc)

        def gathered(f: Future[Any]) -> None:
            if f.exception() is not None:
                out.set_exception(f.exception())
                return
            args = f.result()
            threading.Thread(target=work, args=args, name="crash-replay", daemon=True).start()

        self._run(gather).add_done_callback(gathered)
        return out
