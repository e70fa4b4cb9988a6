"""What the account header's coloured badge says, as text and colour (no widgets here).

The large figure is the market move that liquidates: a leveraged book at health 8 can be
2 % from liquidation, and a big reassuring health would hide that. Health sits beside it,
smaller; the badge takes the worse of the health level and the move level. Figures that are
not current (stale, failing, unknown) never read as a reassuring level.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.domain.alert_text import pace_text
from monitor.domain.model import MarginMode, Side, Thresholds
from monitor.domain.report import AccountHealth, Level, level_for, move_level
from monitor.domain.venue_ratio import convention_of, venue_percent, venue_text
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui.pools import has_whatif
from monitor.ui.pools import name as pool_name

EXPLANATION = (
    "Large: the move that liquidates  ·  health: margin balance ÷ maintenance margin, "
    "1.00 liquidates"
)
EXPLANATION_TIP = (
    "The large figure is the market move that liquidates: the uniform move of every mark "
    "that brings the pool's margin balance down to its maintenance margin (for an isolated "
    "position, its distance to its liquidation price), with the time it would take at the "
    "pace of the last minute while marks move toward it.\n"
    "Health is margin balance ÷ maintenance margin: 1.00 liquidates, 2.00 has twice the "
    "margin needed.\n"
    "The badge's colour is the worse of the two levels (the account's thresholds)."
)


@dataclass(frozen=True)
class Move:
    """The nearest liquidating move: a signed fraction (−0.061: a 6.1 % fall) and what it
    liquidates ("the pool", "BTC/USDT:USDT long (isolated)")."""

    fraction: float
    subject: str


@dataclass(frozen=True)
class Headline:
    move: str  # the large figure: "−6.1 %", "at liquidation", "none", "—"
    move_caption: str  # what it is, and the level or state: "to liquidation · warning"
    health: str  # "10.47" or "—"
    colour: str
    level: Level | None  # None: figures not current or not judged (no level is shown)
    pace: str  # "≈ 40 s at the current pace" or ""
    venue: str  # "Binance margin ratio 9.48 %" or "" (the venue shows none)
    venue_tip: str


def nearest_move(h: AccountHealth) -> Move | None:
    """The smallest move that liquidates anything in the pool: the pool's uniform move down
    or up, or an isolated position's distance to its liquidation price (None: none does)."""
    candidates = []
    if h.liquidation_move_down is not None:
        candidates.append(Move(-h.liquidation_move_down, "the pool"))
    if h.liquidation_move_up is not None:
        candidates.append(Move(h.liquidation_move_up, "the pool"))
    for p in h.positions:
        if p.margin_mode is MarginMode.ISOLATED and p.distance_to_liquidation is not None:
            # A long's liquidation price lies below its mark: the move is a fall.
            sign = -1.0 if p.side is Side.LONG else 1.0
            subject = f"{p.symbol} {p.side.value} (isolated)"
            candidates.append(Move(sign * p.distance_to_liquidation, subject))
    return min(candidates, key=lambda m: abs(m.fraction), default=None)


def badge_level(h: AccountHealth, move: Move | None, thresholds: Thresholds) -> Level:
    """The worse of the health level and the move level (the engine's own rules,
    report.level_for / report.move_level, as the alerts use them), never better than the
    engine's verdict on the pool (which counts each isolated position's health too)."""
    by_health = level_for(h.health_ratio, thresholds)
    by_move = move_level(None if move is None else abs(move.fraction), thresholds)
    return max(by_health, by_move, h.status)


def _level_reason(h: AccountHealth, move: Move | None, t: Thresholds, level: Level) -> str:
    if level is Level.OK:
        return "ok"
    if level is Level.LIQUIDATION:
        return "liquidation"
    if level_for(h.health_ratio, t) >= level:
        limit = t.critical if level is Level.CRITICAL else t.warning
        return f"{level.label} · health ≤ {limit:.2f}"
    if move is not None and move_level(abs(move.fraction), t) >= level:
        limit = t.move_critical if level is Level.CRITICAL else t.move_warning
        return f"{level.label} · move ≤ {limit * 100:g} %"
    return f"{level.label} · an isolated position"


def _move_text(h: AccountHealth, move: Move | None, t: Thresholds) -> str:
    if h.health_ratio is not None and h.health_ratio <= t.liquidation:
        return "at liquidation"
    if move is None:
        return "none"
    return fmt.percent(move.fraction, signed=True).replace("-", "−")


def _venue(snap: AccountSnapshot, h: AccountHealth | None, current: bool) -> tuple[str, str]:
    convention = convention_of(snap.venue)
    if convention is None or (h is not None and h.unknown is None and h.health_ratio is None):
        return "", ""  # no venue ratio, or no cross maintenance for one to be a ratio of
    if h is None or not current or h.unknown is not None:
        return venue_text(convention, None), convention.meaning
    percent = venue_percent(convention, h.margin_balance, h.maintenance_margin)
    return venue_text(convention, percent), convention.meaning


def headline(snap: AccountSnapshot | None, pool: PoolSnapshot | None, now: float) -> Headline:
    """The badge of `pool` (the account's worst) in `snap`."""
    if snap is None:
        return Headline(fmt.UNKNOWN, "unknown", fmt.UNKNOWN, fmt.STALE_COLOUR, None, "", "", "")
    h = pool.health if pool else None
    t = snap.thresholds
    state = snap.status.state
    failing = state in (SourceState.ERROR, SourceState.AUTH_FAILED)
    prefix = f"{pool_name(pool)} pool · " if len(snap.pools) > 1 and pool else ""
    venue, venue_tip = _venue(snap, h, snap.known and not failing)
    if h is None or failing:
        # A failing source never shows a figure that could be read as its state now.
        colour = fmt.ERROR_COLOUR if failing else fmt.STALE_COLOUR
        caption = "error" if failing else "unknown"
        return Headline(fmt.UNKNOWN, caption, fmt.UNKNOWN, colour, None, "", venue, venue_tip)
    if h.unknown is not None:
        # The engine could not compute it (the header's note says why): no figure, no level.
        return Headline(
            fmt.UNKNOWN,
            f"{prefix}cannot be judged",
            fmt.UNKNOWN,
            fmt.UNKNOWN_COLOUR,
            None,
            "",
            venue,
            venue_tip,
        )
    move = nearest_move(h)
    move_text = _move_text(h, move, t)
    health = fmt.health(h.health_ratio)
    if not snap.known:
        caption = f"last known · stale {fmt.age(snap.status.age(now))}"
        return Headline(move_text, caption, health, fmt.STALE_COLOUR, None, "", venue, venue_tip)
    level = badge_level(h, move, t)
    if h.health_ratio is not None and h.health_ratio <= t.liquidation:
        # The pool itself: an isolated position's move, the nearest left, is not what is
        # at liquidation.
        what = "pool at liquidation"
    elif move is None or move.subject != "the pool":
        what = "no move liquidates" if move is None else move.subject
    else:
        what = "fall to liquidation" if move.fraction < 0 else "rise to liquidation"
    caption = f"{prefix}{what} · {_level_reason(h, move, t, level)}"
    if pool is not None and has_whatif(pool):  # the what-if figures, marked as such
        was = nearest_move(pool.baseline)
        was_text = _move_text(pool.baseline, was, t)
        caption = f"{prefix}with what-ifs · was {was_text}"
    pace = pace_text(pool.eta_seconds) if pool is not None else ""
    colour = fmt.LEVEL_COLOURS[level]
    if not h.known:  # the pool is judged, a position in it is not: its move may be nearer
        caption, colour = f"{caption} · part unknown", fmt.UNKNOWN_COLOUR
    return Headline(move_text, caption, health, colour, level, pace, venue, venue_tip)


def liquidating_moves(snap: AccountSnapshot, h: AccountHealth | None) -> tuple[str, str]:
    """The uniform moves down and up that liquidate the pool, in words."""
    if h is None or h.unknown is not None:
        return fmt.UNKNOWN, fmt.UNKNOWN
    if h.health_ratio is not None and h.health_ratio <= snap.thresholds.liquidation:
        return "at liquidation now", "at liquidation now"
    if h.health_ratio is None:
        return "no cross maintenance", "no cross maintenance"
    down = (
        fmt.percent(-h.liquidation_move_down, signed=True)
        if h.liquidation_move_down is not None
        else "none"  # within −100 %: the figure's tooltip says so (a third of a laptop's header)
    )
    up = (
        fmt.percent(h.liquidation_move_up, signed=True)
        if h.liquidation_move_up is not None
        else "none"  # within +1000 %
    )
    return down, up


def exchange_caption(snap: AccountSnapshot, now: float) -> str:
    """The venue's figures come with each REST read; streamed marks move ours in between. When
    they are more than a couple of seconds apart, the caption says how old the venue's are."""
    fetched = snap.status.last_success
    if snap.marks_at is None or fetched is None or snap.marks_at - fetched <= 2.0:
        return "Exchange's health"
    return f"Exchange's health · {fmt.age(now - fetched)} ago"
