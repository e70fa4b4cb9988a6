"""The margin engine: health of every pool and position for a set of marks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monitor.domain.book import Book, FloatArray
from monitor.domain.liquidation import group_liquidation_t, liquidation_moves, liquidation_z
from monitor.domain.maintenance import maintenance_margin
from monitor.domain.model import Account, MarginMode, Thresholds
from monitor.domain.report import AccountHealth, Level, PositionHealth, level_for


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
    marks = book.marks() if marks is None else marks
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
    with np.errstate(invalid="ignore"):
        distance = book.side * (marks - liq_price) / marks
    if book.groups:
        mm_entry = maintenance_margin(book, book.z_entry)
        for group in book.groups:
            t = group_liquidation_t(book, z, group, mm_entry)
            rows = group.rows
            liq_price[rows] = np.nan if t is None else marks[rows] * t
            # A hedge leg may liquidate on the side of its own profit: the size of the move,
            # negative (as for a single position) when the pool is already past it.
            past = not account_health[group.account] > 1.0
            with np.errstate(invalid="ignore"):
                size = np.abs(marks[rows] - liq_price[rows]) / marks[rows]
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


def _opt(value: float) -> float | None:
    return value if math.isfinite(value) else None


def evaluate(
    book: Book,
    marks: FloatArray | None = None,
    thresholds: Thresholds | tuple[Thresholds, ...] = Thresholds(),
) -> tuple[AccountHealth, ...]:
    """Health of every account in the book; `thresholds` is one for all or one per account."""
    ev = evaluate_arrays(book, marks)
    z = book.to_z(ev.marks)
    per_account = (
        thresholds if isinstance(thresholds, tuple) else (thresholds,) * len(book.accounts)
    )
    # Python lists once: building report objects from numpy scalars one by one is slow.
    marks_l = ev.marks.tolist()
    notional_l = ev.notional.tolist()
    pnl_l = ev.unrealized_pnl.tolist()
    mm_l = ev.maintenance.tolist()
    health_l = ev.position_health.tolist()
    liq_l = ev.liquidation_price.tolist()
    dist_l = ev.distance.tolist()
    account_health_l = ev.account_health.tolist()
    mm_entry = maintenance_margin(book, book.z_entry)
    reports = []
    row = 0
    for i, account in enumerate(book.accounts):
        limits = per_account[i]
        positions = []
        down, up = liquidation_moves(book, z, i, mm_entry)
        # The pool's level by its health and the nearer move that liquidates it; each isolated
        # position's by its own health and distance to liquidation.
        nearer = min((m for m in (down, up) if m is not None), default=None)
        level = level_for(_opt(account_health_l[i]), limits, nearer)
        for p in account.positions:
            health = _opt(health_l[row])
            if p.margin_mode is MarginMode.ISOLATED:
                level = max(level, level_for(health, limits, _opt(dist_l[row])))
            positions.append(
                PositionHealth(
                    symbol=p.symbol,
                    side=p.side,
                    margin_mode=p.margin_mode,
                    mark_price=marks_l[row],
                    notional=notional_l[row],
                    unrealized_pnl=pnl_l[row],
                    maintenance_margin=mm_l[row],
                    health_ratio=health,
                    liquidation_price=_opt(liq_l[row]),
                    distance_to_liquidation=_opt(dist_l[row]),
                    hypothetical=p.hypothetical,
                    exchange_liquidation_price=p.exchange_liquidation_price,
                    exchange_maintenance_margin=p.exchange_maintenance_margin,
                )
            )
            row += 1
        reports.append(
            AccountHealth(
                name=account.name,
                margin_balance=float(ev.margin_balance[i]),
                maintenance_margin=float(ev.account_maintenance[i]),
                health_ratio=_opt(account_health_l[i]),
                status=Level(level),
                liquidation_move_down=down,
                liquidation_move_up=up,
                positions=tuple(positions),
            )
        )
    return tuple(reports)


def evaluate_accounts(
    accounts: list[Account] | tuple[Account, ...], thresholds: Thresholds = Thresholds()
) -> tuple[AccountHealth, ...]:
    """Convenience: build the book and evaluate it at the positions' own marks."""
    return evaluate(Book.build(tuple(accounts)), None, thresholds)
