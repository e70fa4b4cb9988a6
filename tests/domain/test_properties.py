"""Invariants of the engine under random accounts (linear and inverse, tiers, both modes)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from monitor.domain import evaluate_accounts
from monitor.domain.model import MarginMode

from . import reference
from .strategies import accounts

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _scale(account, index, price):
    """Size of the terms that cancel in balance - maintenance, for a relative tolerance."""
    p = account.positions[index]
    terms = [
        abs(account.wallet_balance),
        reference.collateral_value(account) * 3,
        reference.notional(p, price),
        reference.notional(p, p.entry_price),
    ]
    for q in account.positions:
        terms.append(reference.notional(q, q.mark_price))
    if p.isolated_margin:
        terms.append(p.isolated_margin)
    return max(terms)


@PROPERTY
@given(accounts())
def test_health_is_one_at_every_liquidation_price(account):
    report = evaluate_accounts([account])[0]
    for i, ph in enumerate(report.positions):
        if ph.liquidation_price is None:
            continue
        balance, maint = reference.side_of_liquidation(account, i, ph.liquidation_price)
        scale = _scale(account, i, ph.liquidation_price)
        assert math.isclose(balance, maint, rel_tol=1e-9, abs_tol=1e-9 * scale), (
            f"position {i}: balance {balance} vs maintenance {maint} at {ph.liquidation_price}"
        )


@PROPERTY
@given(accounts())
def test_no_liquidation_price_means_no_price_liquidates(account):
    report = evaluate_accounts([account])[0]
    grid = np.geomspace(1e-3, 1e3, 400)
    for i, ph in enumerate(report.positions):
        if ph.liquidation_price is not None:
            continue
        p = account.positions[i]
        excess = [
            np.subtract(*reference.side_of_liquidation(account, i, p.mark_price * f)) for f in grid
        ]
        signs = {e > 0 for e in excess}
        assert len(signs) == 1, f"position {i}: the pool crosses maintenance yet no price reported"


@PROPERTY
@given(accounts(), st.floats(0.05, 0.95), st.floats(0.05, 0.95))
def test_the_margin_excess_falls_as_the_mark_moves_toward_liquidation(account, f1, f2):
    """Margin balance minus maintenance shrinks all the way to the liquidation price of a
    position that moves alone. (The health ratio itself need not: within a bracket with a large
    deduction, maintenance can fall faster than the balance — e.g. 813 long at 6.25 in the
    2.5 % bracket with cum 163 and 3,812 of wallet: health 175.86 at 75 % of the way down
    vs 175.72 at 50 %.)"""
    assume(abs(f1 - f2) > 1e-3)
    near, far = sorted((f1, f2))
    report = evaluate_accounts([account])[0]
    for i, ph in enumerate(report.positions):
        if ph.liquidation_price is None or ph.distance_to_liquidation <= 0:
            continue
        moving_together = len(reference.legs(account, i)) > 1
        if moving_together or reference.collateral_value(account) > 0 or account.settle_assets:
            continue  # moving together the excess need not be monotone: see the test below
        p = account.positions[i]
        excess = [
            np.subtract(
                *reference.side_of_liquidation(
                    account, i, p.mark_price + f * (ph.liquidation_price - p.mark_price)
                )
            )
            for f in (near, far)
        ]
        scale = _scale(account, i, ph.liquidation_price)
        assert excess[0] >= excess[1] - 1e-9 * scale, f"position {i}: {excess}"


@PROPERTY
@given(accounts())
def test_nothing_liquidates_between_the_mark_and_the_liquidation_price(account):
    """Hedge legs and collateral move together: the pool stays above maintenance all the way
    from today's marks to the reported price (it is the nearest root, not any root)."""
    report = evaluate_accounts([account])[0]
    for i, ph in enumerate(report.positions):
        if ph.liquidation_price is None or ph.distance_to_liquidation <= 0:
            continue
        p = account.positions[i]
        scale = _scale(account, i, ph.liquidation_price)
        for f in np.linspace(0.0, 0.999, 60):
            price = p.mark_price + f * (ph.liquidation_price - p.mark_price)
            balance, maint = reference.side_of_liquidation(account, i, price)
            assert balance - maint > -1e-9 * scale, f"position {i} liquidates first at {price}"


@PROPERTY
@given(accounts(), st.sampled_from([1.0, 3.0, 25.0, 125.0]))
def test_cross_liquidation_price_does_not_depend_on_leverage(account, leverage):
    again = replace(
        account,
        positions=tuple(
            replace(p, leverage=leverage) if p.margin_mode is MarginMode.CROSS else p
            for p in account.positions
        ),
    )
    before = [p.liquidation_price for p in evaluate_accounts([account])[0].positions]
    after = [p.liquidation_price for p in evaluate_accounts([again])[0].positions]
    assert before == after


@PROPERTY
@given(accounts())
def test_liquidation_moves_bring_the_pool_to_one(account):
    report = evaluate_accounts([account])[0]
    cross = [p.margin_mode is MarginMode.CROSS for p in account.positions]
    for move in (
        None if report.liquidation_move_down is None else -report.liquidation_move_down,
        report.liquidation_move_up,
    ):
        if move is None:
            continue
        marks = [
            p.mark_price * (1 + move) if c else p.mark_price
            for p, c in zip(account.positions, cross, strict=True)
        ]
        if min(marks) <= 0:
            continue  # a -100 % move: no prices left to evaluate
        balance, maint = reference.pool(account, marks, {"BTC": 1 + move})
        scale = max(
            abs(account.wallet_balance),
            *(reference.notional(p, m) for p, m in zip(account.positions, marks, strict=True)),
        )
        assert math.isclose(balance, maint, rel_tol=1e-9, abs_tol=1e-9 * scale)
        # ... and no smaller move of that direction gets there first.
        for f in np.linspace(0.0, 0.999, 50):
            partial = [
                p.mark_price * (1 + f * move) if c else p.mark_price
                for p, c in zip(account.positions, cross, strict=True)
            ]
            b, m = reference.pool(account, partial, {"BTC": 1 + f * move})
            assert b - m > -1e-9 * scale, f"fraction {f} of move {move} already liquidates"


@PROPERTY
@given(accounts())
def test_no_liquidation_move_means_no_uniform_move_liquidates(account):
    """The converse of the above: a pool reported with no move down (or up) stays above 1.0
    for every uniform move that way within the reported range (-99.9 % ... +1000 %)."""
    report = evaluate_accounts([account])[0]
    cross = [p.margin_mode is MarginMode.CROSS for p in account.positions]
    if not any(cross):
        return
    balance, maint = reference.pool(account, [p.mark_price for p in account.positions])
    if balance <= maint:
        return  # already at or past liquidation: no move is reported, by design
    grid = {
        "down": (report.liquidation_move_down, -np.linspace(0.001, 0.999, 200)),
        "up": (report.liquidation_move_up, np.linspace(0.001, 10.0, 400)),
    }
    for way, (reported, moves) in grid.items():
        if reported is not None:
            continue
        for move in moves:
            marks = [
                p.mark_price * (1 + move) if c else p.mark_price
                for p, c in zip(account.positions, cross, strict=True)
            ]
            b, m = reference.pool(account, marks, {"BTC": 1 + move})
            scale = max(
                abs(account.wallet_balance),
                *(reference.notional(p, x) for p, x in zip(account.positions, marks, strict=True)),
            )
            assert b - m > -1e-9 * scale, f"no move {way} reported, yet {move:+.3%} liquidates"
