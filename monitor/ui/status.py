"""One line for the status bar: how the service and its sources are doing."""

from __future__ import annotations

from collections import Counter

from monitor.service.snapshot import Snapshot, SourceState
from monitor.ui import formatting as fmt


def service_status(snap: Snapshot | None, now: float) -> str:
    if snap is None:
        return "waiting for the service…"
    counts = Counter(a.status.state for a in snap.accounts)
    n = len(snap.accounts)
    parts = [
        f"{n} account{'s' if n != 1 else ''}",
        f"last recompute {fmt.age(now - snap.taken_at)} ago",
    ]
    live = counts[SourceState.OK] + counts[SourceState.MANUAL]
    parts.append(f"{live} current")
    if counts[SourceState.STALE]:
        parts.append(f"⚠ {counts[SourceState.STALE]} stale")
    failing = counts[SourceState.ERROR] + counts[SourceState.AUTH_FAILED]
    if failing:
        parts.append(f"✖ {failing} failing")
    if counts[SourceState.STARTING]:
        parts.append(f"{counts[SourceState.STARTING]} connecting")
    return "  ·  ".join(parts)
