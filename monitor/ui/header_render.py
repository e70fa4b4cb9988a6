"""What the account header shows of one account, rendered to plain values (Qt-free).

Working the header's texts out (the headline, the figures, real → with what-ifs, the
notes) took some 0.2 ms of the UI thread's time a refresh (issue 11). For a published snapshot
of the account the window shows they are worked out on the service thread, with the rows
(prerender.py); the header (account_header.py) then only sets them. The few texts that move on
with the clock (the data's age, the venue's figures' age, the odds' age) are worked out again
when shown: a render made in another second is used only if they read the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui import trader_figures as tf
from monitor.ui.headline_figures import (
    Headline,
    exchange_caption,
    headline,
    liquidating_moves,
)
from monitor.ui.pools import collateral_text, has_whatif
from monitor.ui.pools import headline as headline_pool
from monitor.ui.risk_line import risk_line

NOT_GIVEN = "not given"  # the venue reports no such figure

# The texts that move on with the clock: the data's state and age, the caption of the venue's
# own figures (their age), the risk line (the odds' age).
Clocked = tuple[str, str, str | None]


@dataclass(frozen=True)
class HeaderFigures:
    title: str  # the account, its venue (and pools)
    verified: bool  # the app's reading of the venue's rules verified against it
    unverified_tip: str
    band: Headline  # the badge
    # Margin balance, maintenance, available, the moves down and up: each "real → with
    # what-ifs" while what-ifs are on.
    values: tuple[str, str, str, str, str]
    available_shown: bool
    current: bool  # the figures are current (else greyed)
    exchange: str  # the venue's own health and maintenance
    exchange_maintenance: str
    collateral: str  # "" when none is shown (several pools: each its own)
    several: bool  # several pools (the pool list shows them)
    failing: bool  # the venue is failing or rejecting the keys
    note: str
    note_tip: str
    clocked: Clocked


def clocked(snap: AccountSnapshot, now: float, pool: PoolSnapshot | None = None) -> Clocked:
    """The header's texts of `snap` that move on with the clock, as at `now` (`pool`: its
    headline pool, if already found)."""
    if pool is None:
        pool = headline_pool(snap)
    return fmt.status_text(snap, now), exchange_caption(snap, now), risk_line(snap, pool, now)


def render_header(snap: AccountSnapshot, now: float) -> HeaderFigures:
    pool = headline_pool(snap)
    several = len(snap.pools) > 1
    title = f"{snap.label}  ·  {snap.venue or 'manual'}"
    h = pool.health if pool else None
    currency = pool.account.collateral if pool else None
    failing = snap.status.state in (SourceState.ERROR, SourceState.AUTH_FAILED)
    down, up = liquidating_moves(snap, h)
    available = tf.available(h, pool.account.positions) if pool and not failing else None
    # With what-ifs on, each figure reads real → with what-ifs (never the what-if alone).
    real = pool.baseline if pool is not None and has_whatif(pool) and h else None
    was_down, was_up = liquidating_moves(snap, real) if real else (down, up)
    was_available = (
        tf.available(real, tuple(p for p in pool.account.positions if not p.hypothetical))
        if real and pool and not failing
        else None
    )
    values = []
    # A pair without its unit: it must fit a third of a laptop's header.
    for value, was in (
        (fmt.money(h.margin_balance, currency) if h else fmt.UNKNOWN,
         fmt.money(real.margin_balance, unit=currency) if real else ""),
        (fmt.money(h.maintenance_margin, currency) if h else fmt.UNKNOWN,
         fmt.money(real.maintenance_margin, unit=currency) if real else ""),
        (fmt.money(available, currency),
         fmt.money(was_available, unit=currency) if real else ""),
        (down, was_down),
        (up, was_up),
    ):  # fmt: skip
        bare = value.removesuffix(f" {currency}")  # a pair reads without its unit
        moved = was not in (value, bare)
        values.append(f"{was} → {bare}" if real and moved else value)
    account = pool.account if pool else None
    exch = account.exchange_health_ratio if account else None
    exch_maint = account.exchange_maintenance_margin if account else None
    if failing or account is None:  # like ours: no figure that could be read as current
        exchange = fmt.UNKNOWN
    else:
        exchange = fmt.health(exch) if exch is not None else NOT_GIVEN
    if account is None:
        exchange_maintenance = fmt.UNKNOWN
    else:
        exchange_maintenance = (
            fmt.money(exch_maint, currency) if exch_maint is not None else NOT_GIVEN
        )
    collateral = collateral_text(account) if account and not several else ""
    notes = []
    detail = ""
    if failing:
        status = snap.status
        notes.append(f"✖ {status.advice or status.last_error or 'the venue is not answering'}")
        # The library's own text, for whoever needs it (query strings already cut out).
        detail = f"details: {status.last_error}" if status.advice and status.last_error else ""
    elif not snap.known and h is not None:
        notes.append("⚠ figures are the last known, not current")
    if snap.known and not failing:
        notes.extend(f"? cannot be judged: {reason}" for reason in snap.unknowns)
    if snap.exchange_disagreement:
        notes.append(f"exchange differs: {snap.exchange_disagreement}")
    return HeaderFigures(
        title=f"{title}  ·  {len(snap.pools)} pools" if several else title,
        verified=snap.verified,
        unverified_tip=(
            ""
            if snap.verified
            else f"The app has not verified its reading of {snap.venue}'s margin rules against "
            "the venue: its figures are a best-effort mapping. Compare with the exchange's."
        ),
        band=headline(snap, pool, now),
        values=(values[0], values[1], values[2], values[3], values[4]),
        available_shown=available is not None,
        current=snap.known,
        exchange=exchange,
        exchange_maintenance=exchange_maintenance,
        collateral=f"Collateral:  {collateral}" if collateral else "",
        several=several,
        failing=failing,
        note="   ".join(notes),
        note_tip=detail,
        clocked=clocked(snap, now, pool),
    )
