"""Crash replay: a past window's candles replayed as relative moves on today's marks and book.

Each symbol's mark follows mark_now x close_t / close_start of the window; every step is
judged by the engine itself (evaluate_arrays), so the tiers, collateral and settle assets are
exactly as the health report has them. The result per pool (and isolated position): the
minute it would first have reached warning, critical and 1.0, and its worst health and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from monitor.domain.book import Book, FloatArray, IntArray
from monitor.domain.engine import evaluate_arrays
from monitor.domain.model import Thresholds


@dataclass(frozen=True)
class Replay:
    """`minutes` gives, per level ("warning", "critical", "liquidation"), the minutes from the
    window's start to the first step at or below it (None: never reached); `health` the
    health at every step (NaN: no maintenance)."""

    account: str
    symbol: str | None  # None: the cross pool; else an isolated position
    minutes: dict[str, float | None]
    worst_health: float | None
    worst_minute: float | None
    health: FloatArray
    reason: str | None = None


def replay(
    book: Book,
    closes: Mapping[str, tuple[IntArray, FloatArray]],
    thresholds: Thresholds = Thresholds(),
) -> list[Replay]:
    """Every cross pool with positions, then every isolated position, along the window."""
    positions = [p for a in book.accounts for p in a.positions]
    held = {p.symbol for p in positions}
    missing = sorted(held - set(closes))
    common: IntArray | None = None
    for symbol in held & set(closes):
        stamps = closes[symbol][0]
        common = stamps if common is None else np.intersect1d(common, stamps)
    steps = np.unique(common) if common is not None else np.zeros(0, dtype=np.int64)
    ratio = {}
    for symbol in held & set(closes):
        stamps, prices = closes[symbol]
        order = np.argsort(stamps, kind="stable")
        at = prices[order][np.searchsorted(stamps[order], steps)]
        ratio[symbol] = at / at[0] if at.size else at
    minutes = (steps - steps[0]) / 60_000 if steps.size else steps.astype(float)
    units: list[tuple[int, int | None]] = [
        (i, None)
        for i in range(len(book.accounts))
        if ((book.account_index == i) & ~book.isolated).any()
    ] + [(int(book.account_index[r]), r) for r in np.flatnonzero(book.isolated).tolist()]
    health = np.full((len(units), steps.size), np.nan)
    if not missing and steps.size:
        for t in range(steps.size):
            marks = book.mark0 * np.array([ratio[p.symbol][t] for p in positions])
            ev = evaluate_arrays(book, marks)
            for u, (i, row) in enumerate(units):
                health[u, t] = ev.account_health[i] if row is None else ev.position_health[row]
    out = []
    for u, (i, row) in enumerate(units):
        name = book.accounts[i].name
        isolated = None if row is None else positions[row].symbol
        if missing or not steps.size:
            why = f"unknown: no candles for {missing[0]}" if missing else "unknown: no candles"
            out.append(Replay(name, isolated, {}, None, None, health[u], why))
            continue
        h = health[u]
        levels = {
            "warning": thresholds.warning,
            "critical": thresholds.critical,
            "liquidation": thresholds.liquidation,
        }
        reached: dict[str, float | None] = {}
        for level, bound in levels.items():
            at_or_below = np.flatnonzero(h <= bound)
            reached[level] = float(minutes[at_or_below[0]]) if at_or_below.size else None
        finite = np.isfinite(h)
        worst = int(np.nanargmin(h)) if finite.any() else None
        out.append(
            Replay(
                name,
                isolated,
                reached,
                None if worst is None else float(h[worst]),
                None if worst is None else float(minutes[worst]),
                h,
            )
        )
    return out
