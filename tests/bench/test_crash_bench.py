"""Issue 11's crash played whole, as a trader meets it: the crash book (health ~8, liquidated by
a 4.89 % fall) on the simulated Binance venue, every mark falling 0.1 % a second from the start,
default settings, alerts timed at a webhook receiver on loopback against the moment the venue's
own rules liquidate the pool. Once streaming live marks, once over REST alone (no websocket).

About a minute per run; printed (run with -s). tests/service/test_crash_timing.py plays the
last part of the same crash in the default run and asserts the issue's bounds.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.service.conftest import Receiver, db, receiver  # noqa: F401  (fixtures)
from tests.service.test_crash_timing import (  # noqa: F401  (crash: a fixture)
    CrashRun,
    _disagreements,
    _pool_alerts,
    crash,
    timeline,
)


@pytest.mark.parametrize("stream", [True, False], ids=["streaming", "rest-only"])
def test_bench_the_whole_crash(crash: Any, stream: bool, receiver: Receiver) -> None:  # noqa: F811
    run: CrashRun = crash(stream=stream)
    times = run.play(0.0, stream=stream, timeout=120)
    liquidated = times["liquidated"]
    how = "streaming live marks" if stream else "REST alone, every 2 s"
    print(f"\nthe whole crash at 0.1 %/s, {how}; seconds from the venue's liquidation:")
    print(timeline(run, times))
    texts = [
        e.payload.message
        for e in list(run.recorder.events)
        if e.kind == "alert" and e.payload.kind.value in ("raised", "escalated")
    ]
    print("\n".join(f"  {t}" for t in texts))
    rang = [level for kind, level in _pool_alerts(run) if kind in ("raised", "escalated")]
    print(f"levels rung: {rang}; disagreements: {len(_disagreements(run))}")
    assert times["critical"] < liquidated
