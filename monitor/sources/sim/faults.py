"""Faults the simulated venue injects on demand, per API key or for every caller.

A test sets one (`venue.faults.set("rate_limit", 2, api_key=key, times=3)`) and the venue
misbehaves for matching requests until the fault is cleared or its `times` run out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class FaultKind(str, Enum):
    LATENCY = "latency"  # value: seconds added before answering
    RATE_LIMIT = "rate_limit"  # value: Retry-After seconds of a 429
    SERVER_ERROR = "server_error"  # value: HTTP status (5xx)
    MALFORMED = "malformed"  # a 200 whose JSON body is cut short
    AUTH = "auth"  # Binance's 401 -2015 whatever the signature
    # A key without the permission to read (Binance's 401 -1002) on signed endpoints; public
    # market data still answers, as it does for such a key at the real venue.
    PERMISSION = "permission"
    # value: seconds the venue's clock runs ahead of the caller's (negative: behind); signed
    # requests then fall outside recvWindow (-1021) and /fapi/v1/time says the venue's time
    CLOCK_SKEW = "clock_skew"
    MAINTENANCE = "maintenance"  # 503 {"code": 1, "msg": "System is under maintenance."}
    HANG = "hang"  # never answers until the fault is cleared or the venue stops
    LIQUIDATION_OFFSET = "liquidation_offset"  # value: fraction added to reported liq prices
    # positionRisk serves markPrice "0" for one position (a venue's glitch on one symbol):
    # value, the position's index in the book (0: the first)
    ZERO_MARK = "zero_mark"
    # leverageBracket leaves one held market out (a venue without a table for a new listing):
    # value, the position's index in the book (0: the first)
    NO_TIERS = "no_tiers"


_DEFAULTS = {FaultKind.RATE_LIMIT: 1.0, FaultKind.SERVER_ERROR: 503.0}
_NEEDS_VALUE = {FaultKind.LATENCY, FaultKind.LIQUIDATION_OFFSET, FaultKind.CLOCK_SKEW}


@dataclass
class Fault:
    kind: FaultKind
    value: float
    api_key: str | None  # None: every caller, public endpoints included
    path: str | None  # None: every endpoint, else e.g. "/fapi/v3/positionRisk"
    remaining: int | None  # None: until cleared
    released: threading.Event = field(default_factory=threading.Event)

    def matches(self, api_key: str | None, path: str) -> bool:
        return (self.api_key is None or self.api_key == api_key) and (
            self.path is None or self.path == path
        )


def parse_kind(kind: FaultKind | str) -> FaultKind:
    try:
        return FaultKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in FaultKind)
        raise ValueError(f"unknown fault {kind!r}; choose one of {names}") from None


class Faults:
    """Thread-safe set of active faults; request threads `take` them, tests `set`/`clear`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: list[Fault] = []
        self._hangs: list[Fault] = []  # every hang ever set, so stop() can release them all

    def set(
        self,
        kind: FaultKind | str,
        value: float | None = None,
        *,
        api_key: str | None = None,
        path: str | None = None,
        times: int | None = None,
    ) -> None:
        """Turn a fault on (replacing one of the same kind, key and path)."""
        kind = parse_kind(kind)
        if value is None:
            if kind in _NEEDS_VALUE:
                raise ValueError(f"fault {kind.value!r} needs a value")
            value = _DEFAULTS.get(kind, 0.0)
        if kind is FaultKind.LATENCY and value < 0:
            raise ValueError("latency must be >= 0 seconds")
        if kind is FaultKind.SERVER_ERROR and not 500 <= value <= 599:
            raise ValueError("server_error takes an HTTP status from 500 to 599")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None: until cleared)")
        fault = Fault(kind, float(value), api_key, path, times)
        with self._lock:
            self._remove(lambda f: (f.kind, f.api_key, f.path) == (kind, api_key, path))
            self._active.append(fault)
            if kind is FaultKind.HANG:
                self._hangs.append(fault)

    def clear(self, kind: FaultKind | str | None = None, *, api_key: str | None = None) -> None:
        """Remove faults of `kind` (all kinds if None) set for `api_key` (all scopes if None)."""
        wanted = None if kind is None else parse_kind(kind)
        with self._lock:
            self._remove(
                lambda f: (
                    (wanted is None or f.kind is wanted)
                    and (api_key is None or f.api_key == api_key)
                )
            )

    def take(self, kind: FaultKind, api_key: str | None, path: str) -> Fault | None:
        """The fault of `kind` for this request (a key's own before a global one), counted."""
        with self._lock:
            hits = [f for f in self._active if f.kind is kind and f.matches(api_key, path)]
            if not hits:
                return None
            fault = min(hits, key=lambda f: (f.api_key is None, f.path is None))
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._active.remove(fault)  # spent, but a hang keeps holding its request
            return fault

    def value(self, kind: FaultKind, api_key: str | None, default: float = 0.0) -> float:
        """A standing fault's value without counting it (e.g. the liquidation offset)."""
        with self._lock:
            hits = [f for f in self._active if f.kind is kind and f.matches(api_key, f.path or "")]
            hits.sort(key=lambda f: f.api_key is None)
            return hits[0].value if hits else default

    def active(self, kind: FaultKind, api_key: str | None) -> bool:
        """Whether a standing fault of `kind` applies to this key (not counted)."""
        with self._lock:
            return any(f.kind is kind and f.matches(api_key, f.path or "") for f in self._active)

    def release_all(self) -> None:
        """Let every hung request go (the venue is stopping)."""
        with self._lock:
            for fault in self._hangs:
                fault.released.set()

    def _remove(self, condition: Callable[[Fault], bool]) -> None:
        keep = []
        for f in self._active:
            if condition(f):
                f.released.set()
            else:
                keep.append(f)
        self._active = keep
