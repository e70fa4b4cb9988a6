"""The margin engine: health of every pool and position for a set of marks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from monitor.domain.book import Book, FloatArray
from monitor.domain.liquidation import group_liquidation_t, liquidation_moves, liquidation_z
from monitor.domain.maintenance import maintenance_margin
from monitor.domain.market_marks import mark_notes
from monitor.domain.model import Account, Thresholds
from monitor.domain.pool_moves import plain_moves, plain_pools
from monitor.domain.report import (
    AccountHealth,
    Level,
    PositionHealth,
    level_for,
    position_healths,
)
from monitor.domain.unknowns import Unknowns, find_unknowns, stand_in_marks, usable


@dataclass(frozen=True)
class Evaluation:
    """Column-wise results; `account_health` and friends are per account, the rest per position."""

    marks: FloatArray
    notional: FloatArray
    unrealized_pnl: FloatArray
    maintenance: FloatArray
    position_health: FloatArray  # NaN: no maintenance requirement
    liquidation_price: FloatArray  # NaN: no positive price liquidates
    distance: FloatArray
    margin_balance: FloatArray
    account_maintenance: FloatArray
    account_health: FloatArray  # NaN: no maintenance requirement


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def evaluate_arrays(book: Book, marks: FloatArray | None = None) -> Evaluation:
    """Vectorised evaluation of every position and cross pool in the book."""
    marks = book.marks() if marks is None else book.one_mark(marks)
    m = len(book.accounts)
    z = book.to_z(marks)
    q = book.q
    notional = q * z
    pnl = book.sigma * q * (z - book.z_entry)
    own_mm = maintenance_margin(book, z)  # in the settle asset's units
    mm = own_mm * book.mm_weight()  # in the pool's currency

    cross = ~book.isolated
    acct = book.account_index
    plain = cross & (book.pos_asset < 0)
    pool_pnl = np.bincount(acct, weights=np.where(plain, pnl, 0.0), minlength=m).astype(np.float64)
    pool_mm = np.bincount(acct, weights=np.where(cross, mm, 0.0), minlength=m).astype(np.float64)
    margin_balance = (
        book.wallet
        + book.pool_collateral(marks)
        + pool_pnl
        + book.asset_values(np.where(cross, pnl, 0.0))
    )
    account_health = _ratio(margin_balance, pool_mm)

    # What each position's pool holds besides the position itself (others at their marks).
    others = margin_balance[acct] - pnl - (pool_mm[acct] - mm)
    excess_others = np.where(cross, others, book.isolated_margin)
    liq_z = liquidation_z(book, z, excess_others, own_mm)
    liq_price = book.from_z(liq_z)
    # A mark of 0 (a venue's glitch) has no distance: NaN, not the ±inf of a division by it,
    # which reads as far from liquidation; its pool is made unknown after (unknowns.py).
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.where(marks > 0, book.side * (marks - liq_price) / marks, np.nan)
    if book.groups:
        mm_entry = book.mm_entry
        for group in book.groups:
            t = group_liquidation_t(book, z, group, mm_entry)
            rows = group.rows
            liq_price[rows] = np.nan if t is None else marks[rows] * t
            # A hedge leg may liquidate on the side of its own profit: the size of the move,
            # negative (as for a single position) when the pool is already past it.
            past = not account_health[group.account] > 1.0
            with np.errstate(invalid="ignore", divide="ignore"):
                leg = marks[rows]
                size = np.where(leg > 0, np.abs(leg - liq_price[rows]) / leg, np.nan)
            distance[rows] = -size if past else size

    position_health = np.where(
        cross, account_health[acct], _ratio(book.isolated_margin + pnl, own_mm)
    )
    return Evaluation(
        marks=marks,
        notional=notional,
        unrealized_pnl=pnl,
        maintenance=mm,
        position_health=position_health,
        liquidation_price=liq_price,
        distance=distance,
        margin_balance=margin_balance,
        account_maintenance=pool_mm,
        account_health=account_health,
    )


def _nullable(values: FloatArray) -> list[float | None]:
    """Each value as a Python float, None where not finite."""
    finite_mask = np.isfinite(values)
    if finite_mask.all():  # the usual case, without a Python pass over the values
        result: list[float | None] = values.tolist()
        return result
    finite = np.where(finite_mask, values, np.nan).tolist()
    return [None if v != v else v for v in finite]


def evaluate(
    book: Book,
    marks: FloatArray | None = None,
    thresholds: Thresholds | tuple[Thresholds, ...] = Thresholds(),
) -> tuple[AccountHealth, ...]:
    """Health of every account in the book; `thresholds` is one for all or one per account."""
    notes: list[tuple[str, ...]] = []
    if book.shares_marks:  # rows of one symbol may be given different marks: say which counts
        columns = book.report_columns
        notes = mark_notes(
            columns.symbol,
            columns.hypothetical,
            book.account_index,
            book.mark_lead,
            book.mark0 if marks is None else marks,
            len(book.accounts),
        )
    raw = book.marks() if marks is None else book.one_mark(marks)
    bad = ~usable(raw)
    ev = evaluate_arrays(book, stand_in_marks(book, raw, bad) if bad.any() else raw)
    z = book.to_z(ev.marks)
    m = len(book.accounts)
    per_account = thresholds if isinstance(thresholds, tuple) else (thresholds,) * m
    mm_entry = book.mm_entry
    # Plain pools' moves in one vectorised walk; the others (collateral, multi-asset) one by one.
    plain = plain_pools(book)
    plain_down, plain_up = plain_moves(book, z, mm_entry, np.flatnonzero(plain))
    down_all = np.full(m, np.nan)
    up_all = np.full(m, np.nan)
    down_all[plain], up_all[plain] = plain_down, plain_up
    for i in np.flatnonzero(~plain).tolist():
        down, up = liquidation_moves(book, z, i, mm_entry)
        down_all[i] = np.nan if down is None else down
        up_all[i] = np.nan if up is None else up

    # Columns as Python lists once, then one report per row: a tick reports every position
    # of every pool it moved, and per-element numpy access would cost more than the maths.
    health = _nullable(ev.position_health)
    distance = _nullable(ev.distance)
    columns = book.report_columns
    rows = position_healths(
        columns.symbol,
        columns.side,
        columns.margin_mode,
        raw.tolist(),
        ev.notional.tolist(),
        ev.unrealized_pnl.tolist(),
        ev.maintenance.tolist(),
        health,
        _nullable(ev.liquidation_price),
        distance,
        columns.hypothetical,
        columns.exchange_liquidation_price,
        columns.exchange_maintenance_margin,
        columns.unknown,
    )
    account_health = _nullable(ev.account_health)
    downs, ups = _nullable(down_all), _nullable(up_all)
    balance, maintenance = ev.margin_balance.tolist(), ev.account_maintenance.tolist()
    unknowns = find_unknowns(book, raw, bad, ev.maintenance, ev.account_maintenance)
    if unknowns is not None:
        rows = _blank_unknown_rows(rows, unknowns, health, distance)
        for i, reason in enumerate(unknowns.pool):
            if reason is not None:
                account_health[i] = downs[i] = ups[i] = None
        for r in np.flatnonzero(bad & ~book.isolated).tolist():  # a PnL from no price
            balance[int(book.account_index[r])] = math.nan
    starts, isolated_of = book.pool_rows
    reports = []
    for i in range(m):
        limits = per_account[i]
        down, up = downs[i], ups[i]
        # The pool's level by its health and the nearer move that liquidates it; each isolated
        # position's by its own health and distance to liquidation.
        nearer = min((v for v in (down, up) if v is not None), default=None)
        pool_unknown = None if unknowns is None else unknowns.pool[i]
        # An unknown pool has no level of its own: only what is known can raise one.
        level = Level.OK if pool_unknown else level_for(account_health[i], limits, nearer)
        for row in isolated_of.get(i, ()):
            level = max(level, level_for(health[row], limits, distance[row]))
        reports.append(
            AccountHealth(
                name=book.accounts[i].name,
                margin_balance=balance[i],
                maintenance_margin=maintenance[i],
                health_ratio=account_health[i],
                status=Level(level),
                liquidation_move_down=down,
                liquidation_move_up=up,
                positions=tuple(rows[starts[i] : starts[i + 1]]),
                unknown=pool_unknown,
                notes=notes[i] if notes else (),
            )
        )
    return tuple(reports)


def _blank_unknown_rows(
    rows: list[PositionHealth],
    unknowns: Unknowns,
    health: list[float | None],
    distance: list[float | None],
) -> list[PositionHealth]:
    """Each unknown position without figures that would read as a verdict; a position with
    no usable mark also without a notional, PnL or maintenance computed from none."""
    out = list(rows)
    nan = math.nan
    for r, reason in enumerate(unknowns.row):
        if reason is None:
            continue
        health[r] = distance[r] = None
        p = rows[r]
        blank: dict[str, Any] = {
            "health_ratio": None,
            "liquidation_price": None,
            "distance_to_liquidation": None,
            "unknown": reason,
        }
        if unknowns.bad_mark[r]:
            blank.update(notional=nan, unrealized_pnl=nan, maintenance_margin=nan)
        out[r] = p._replace(**blank)
    return out


def evaluate_accounts(
    accounts: list[Account] | tuple[Account, ...],
    thresholds: Thresholds = Thresholds(),
    *,
    one_mark: bool = True,
) -> tuple[AccountHealth, ...]:
    """Convenience: build the book and evaluate it at the positions' own marks (see
    Book.build for `one_mark`)."""
    return evaluate(Book.build(tuple(accounts), one_mark=one_mark), None, thresholds)
