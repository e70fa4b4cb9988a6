"""Text and colour for figures: one place that decides how unknowns, ages and levels look.

Unknown is always shown as "—", never as 0, so a missing figure cannot be read as a safe one.
"""

from __future__ import annotations

import math

from monitor.domain.report import AccountHealth, Level
from monitor.service.snapshot import AccountSnapshot, SourceState

UNKNOWN = "—"

# Badge colours per level, readable on both themes.
LEVEL_COLOURS = {
    Level.OK: "#2e9e5b",
    Level.WARNING: "#d9a404",
    Level.CRITICAL: "#e0622b",
    Level.LIQUIDATION: "#d8313f",
}
STALE_COLOUR = "#7f8791"
ERROR_COLOUR = "#d8313f"
# Figures the engine could not compute (a mark of 0, no maintenance table): never a level's
# green, never a stale grey that reads as "was fine".
UNKNOWN_COLOUR = "#b5179e"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def health(value: float | None) -> str:
    if not _finite(value):
        return UNKNOWN
    assert value is not None
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


# Currencies worth about one dollar: two decimals. A coin (a coin-margined pool's BTC) keeps
# six significant digits instead, so 0.0123 BTC is not shown as 0.01.
_DOLLARS = frozenset({"", "USD", "USDT", "USDC", "BUSD", "FDUSD", "TUSD", "DAI", "USDE"})


def money(value: float | None, currency: str | None = None, *, unit: str | None = None) -> str:
    """An amount of `currency` (named after it), or of `unit` (named nowhere: a table column)."""
    if not _finite(value):
        return UNKNOWN
    assert value is not None
    coin = (currency or unit or "").upper() not in _DOLLARS
    text = f"{value:,.6g}" if coin and abs(value) < 1e6 else f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def price(value: float | None) -> str:
    """Prices keep about six significant digits, whatever their magnitude."""
    if not _finite(value):
        return UNKNOWN
    assert value is not None
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.1f}"
    if magnitude >= 1:
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{value:.6g}"


def amount(value: float | None) -> str:
    if not _finite(value):
        return UNKNOWN
    return f"{value:,.6g}"


def percent(value: float | None, signed: bool = False) -> str:
    if not _finite(value):
        return UNKNOWN
    assert value is not None
    return f"{value * 100:+.1f} %" if signed else f"{value * 100:.1f} %"


def age(seconds: float | None) -> str:
    if seconds is None:
        return UNKNOWN
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def status_text(snap: AccountSnapshot, now: float) -> str:
    """Short state of an account's data, e.g. "live · 2 s", "stale · 47 s", "error"."""
    state = snap.status.state
    seconds = snap.status.age(now)
    if seconds is not None and snap.marks_at is not None:
        seconds = min(seconds, max(0.0, now - snap.marks_at))  # marks streamed since
    if state is SourceState.MANUAL:
        return "manual"
    if state is SourceState.OK:  # a simulated venue's data is never called live
        return f"{'simulated' if snap.kind == 'simulated' else 'live'} · {age(seconds)}"
    if state is SourceState.STALE:
        return f"stale · {age(seconds)}"
    if state is SourceState.STARTING:
        return "connecting…"
    if state is SourceState.AUTH_FAILED:
        return "keys rejected"
    return "error" if seconds is None else f"error · {age(seconds)} old"


def badge(snap: AccountSnapshot, report: AccountHealth | None = None) -> tuple[str, str]:
    """(text, colour) of an account's health badge (of `report`, else the worst pool's real
    book: what-ifs are never the record); no level for figures that are not current or that
    could not be computed."""
    report = report or snap.baseline
    state = snap.status.state
    if state in (SourceState.ERROR, SourceState.AUTH_FAILED):
        return "error", ERROR_COLOUR
    if state is SourceState.STARTING:
        return "waiting", STALE_COLOUR
    if not snap.known or report is None:
        return ("stale" if state is SourceState.STALE else "unknown"), STALE_COLOUR
    if report.unknown is not None:
        return "unknown", UNKNOWN_COLOUR
    level = report.status
    text = f"{health(report.health_ratio)} {level.label}"
    if not report.known:  # the pool is judged, a position in it is not
        return f"{text} · part unknown", UNKNOWN_COLOUR
    return text, LEVEL_COLOURS[level]


def move(fraction: float | None, signed: bool = True) -> str:
    """A uniform move of the marks that liquidates a pool ("none" when there is none)."""
    return "none" if fraction is None else percent(fraction, signed=signed)


def distance_colour(distance: float | None, warning: float = 0.10, critical: float = 0.05) -> str:
    """Row tint by distance to liquidation (fraction of mark)."""
    if not _finite(distance):
        return ""
    assert distance is not None
    if distance <= 0:
        return LEVEL_COLOURS[Level.LIQUIDATION]
    if distance <= critical:
        return LEVEL_COLOURS[Level.CRITICAL]
    if distance <= warning:
        return LEVEL_COLOURS[Level.WARNING]
    return ""
