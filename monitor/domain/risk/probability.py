"""Probability that each pool (and each isolated position) is liquidated within 1 h, 8 h, 24 h.

Paths come from paths.bootstrap_ratios (a block bootstrap of the venue's joint candles; why,
there). Every step of every path is checked — a pool that dips through 1.0 and recovers was
liquidated — with each position's maintenance bracket at that step's price (path_rooms.py).
The paths are drawn and judged in chunks so memory stays bounded whatever the path count; the
figure is the share of paths that hit, with its Monte-Carlo standard error sqrt(p (1 - p) / N).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from monitor.domain.book import Book, IntArray
from monitor.domain.risk.linear_rooms import LinearRooms
from monitor.domain.risk.move_bands import BandCollector, MoveBand
from monitor.domain.risk.path_rooms import PathRooms, Unit, units_of
from monitor.domain.risk.paths import JointReturns, bootstrap_ratios, without_drift
from monitor.domain.unknowns import usable

HORIZONS_MINUTES: tuple[tuple[str, int], ...] = (("1h", 60), ("8h", 480), ("24h", 1440))
# Bound on a chunk's float64 blocks (paths x steps x the wider of symbols and units): ~48 MB.
CHUNK_VALUES = 6_000_000


@dataclass(frozen=True)
class Estimate:
    p: float
    error: float  # one Monte-Carlo standard error


@dataclass(frozen=True)
class UnitRisk:
    """One pool's (symbol None) or isolated position's liquidation probability per horizon;
    `reason` says why there is none (then `by_horizon` is empty)."""

    account: str
    symbol: str | None
    by_horizon: dict[str, Estimate]
    reason: str | None = None
    pool: int = 0  # the account's index in the book
    # The pool's market move within each horizon (move_bands.py); empty when not computed.
    moves: dict[str, MoveBand] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    paths: int = 10_000
    block: int = 60  # steps per bootstrap block: an hour of 1-minute candles
    seed: int | None = None
    horizons: tuple[tuple[str, int], ...] = HORIZONS_MINUTES


def _reason(book: Book, unit: Unit, have: set[str]) -> str | None:
    positions = [p for a in book.accounts for p in a.positions]
    for r in unit.rows:
        p = positions[r]
        if p.unknown:
            return f"unknown: {p.unknown}"
        if not usable(np.array([p.mark_price]))[0]:
            return f"unknown: no usable mark for {p.symbol}"
        if p.symbol not in have:
            return f"unknown: no candles for {p.symbol}"
    return None


def liquidation_probability(
    book: Book, history: JointReturns, settings: Settings = Settings()
) -> list[UnitRisk]:
    """Each unit's probability of reaching health 1.0 within each horizon."""
    units = units_of(book)
    symbols = [p.symbol for a in book.accounts for p in a.positions]
    have = set(history.symbols) if history.steps > 0 else set()
    col_of = {s: j for j, s in enumerate(history.symbols)}
    column = np.array([col_of.get(s, -1) for s in symbols], dtype=np.int64)
    reasons = [_reason(book, u, have) for u in units]
    judged = [u for u, why in zip(units, reasons, strict=True) if why is None]
    steps_of = {
        name: max(1, round(minutes / history.step_minutes)) for name, minutes in settings.horizons
    }
    steps = max(steps_of.values(), default=0)
    hits = {name: np.zeros(len(judged), dtype=np.int64) for name in steps_of}
    rooms = PathRooms(book, column)
    already = [rooms.room_now(u) <= 0 for u in judged]
    n_sym = max(1, len(history.symbols))
    linear = [k for k, u in enumerate(judged) if LinearRooms.linear(book, u)]
    others = [k for k, u in enumerate(judged) if not LinearRooms.linear(book, u)]
    fast = LinearRooms(book, column, [judged[k] for k in linear], n_sym)
    bands = BandCollector(fast, steps_of)
    if judged and steps:
        rng = np.random.default_rng(settings.seed)
        returns = without_drift(history.returns)  # why: paths.py
        width = max(fast.features, len(linear), n_sym)
        chunk = max(1, CHUNK_VALUES // (width * steps))
        done = 0
        while done < settings.paths:
            size = min(chunk, settings.paths - done)
            ratios = bootstrap_ratios(rng, returns, size, steps, settings.block)
            firsts: list[tuple[int, IntArray]] = []
            bands.add(ratios)
            if linear:
                below = fast.rooms(fast.feature_paths(ratios)) <= 0  # (units, paths, steps)
                first = np.where(below.any(axis=2), below.argmax(axis=2), steps)
                firsts += [(k, first[j]) for j, k in enumerate(linear)]
                del below
            for k in others:
                low = rooms.room(judged[k], ratios) <= 0
                firsts.append((k, np.where(low.any(axis=1), low.argmax(axis=1), steps)))
            for k, first_k in firsts:
                for name, n in steps_of.items():
                    hits[name][k] += int((first_k < n).sum())
            done += size
    moves = {k: band for k, band in zip(linear, bands.bands(), strict=True)}
    return _results(book, units, reasons, judged, hits, already, settings.paths, moves)


def _results(
    book: Book,
    units: Sequence[Unit],
    reasons: Sequence[str | None],
    judged: Sequence[Unit],
    hits: dict[str, np.ndarray],
    already: Sequence[bool],
    n: int,
    moves: dict[int, dict[str, MoveBand]],
) -> list[UnitRisk]:
    index = {id(u): k for k, u in enumerate(judged)}
    positions = [p for a in book.accounts for p in a.positions]
    out = []
    for unit, why in zip(units, reasons, strict=True):
        name = book.accounts[unit.account].name
        symbol = None if unit.row is None else positions[unit.row].symbol
        if why is not None:
            out.append(UnitRisk(name, symbol, {}, why, unit.account))
            continue
        k = index[id(unit)]
        by: dict[str, Estimate] = {}
        for horizon, counts in hits.items():
            p = 1.0 if already[k] else float(counts[k]) / n
            by[horizon] = Estimate(p, 0.0 if already[k] else math.sqrt(p * (1.0 - p) / n))
        out.append(UnitRisk(name, symbol, by, None, unit.account, moves.get(k, {})))
    return out
