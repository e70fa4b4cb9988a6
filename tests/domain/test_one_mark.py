"""One market, one mark: rows of one symbol in one pool move together and report one
liquidation price, whatever marks they were typed at.

Expected prices are solved by hand here from the liquidation condition
wallet + sum(PnL) = sum(maintenance), both rows at the one mark that counts.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from monitor.cli import main
from monitor.domain import evaluate_accounts
from monitor.domain.liquidation import GROUP_UP_LIMIT
from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side

from . import reference
from .strategies import accounts

BTC = "BTC/USDT:USDT"
FLAT = Maintenance.flat(0.005)


def btc(entry: float, mark: float, **kw: object) -> Position:
    base = dict(
        symbol=BTC,
        side=Side.LONG,
        contracts=1.0,
        entry_price=entry,
        mark_price=mark,
        maintenance=FLAT,
    )
    base.update(kw)
    return Position(**base)  # type: ignore[arg-type]


def test_two_typed_rows_of_one_symbol_share_the_first_rows_mark_and_one_price():
    # 10,000 + (P - 62,000) + (P - 63,000) = 0.005 x 2P  ->  P = 115,000 / 1.99.
    # Apart (each at its own mark, the other held still) they gave 50,577.89 and 51,577.89.
    account = Account("manual", 10_000.0, (btc(62_000.0, 64_000.0), btc(63_000.0, 65_000.0)))
    report = evaluate_accounts([account])[0]
    expected = 115_000.0 / 1.99
    for row in report.positions:
        assert math.isclose(row.liquidation_price, expected, rel_tol=1e-12)
        assert row.mark_price == 64_000.0
    # Balance 10,000 + 2,000 + 1,000; maintenance 0.005 x 128,000.
    assert math.isclose(report.health_ratio, 13_000.0 / 640.0, rel_tol=1e-12)
    assert report.notes == (
        "BTC/USDT:USDT: rows given different marks (64,000.00, 65,000.00); one market has "
        "one mark, so both are valued at 64,000.00 (the first row's) and move as one",
    )


def test_a_whatif_takes_the_held_positions_mark_even_when_listed_first():
    # Held: 1 BTC from 58,000 at mark 60,000; what-if: 1 BTC from 60,000 typed at 61,000.
    # At the held mark: 5,000 + (P - 58,000) + (P - 60,000) = 0.01 P -> P = 113,000 / 1.99.
    whatif = btc(60_000.0, 61_000.0, hypothetical=True)
    account = Account("acct", 5_000.0, (whatif, btc(58_000.0, 60_000.0)))
    report = evaluate_accounts([account])[0]
    prices = [row.liquidation_price for row in report.positions]
    assert all(math.isclose(p, 113_000.0 / 1.99, rel_tol=1e-12) for p in prices)
    assert report.positions[0].unrealized_pnl == 0.0  # valued at 60,000, its entry
    assert "(the held position's)" in report.notes[0]


def test_an_isolated_whatif_is_valued_at_the_held_mark_but_liquidates_alone():
    # Isolated 1 BTC long from 60,000 with 3,000 of margin, at the held mark 60,000:
    # 3,000 + (P - 60,000) = 0.005 P -> P = 57,000 / 0.995.
    whatif = btc(
        60_000.0,
        70_000.0,
        hypothetical=True,
        margin_mode=MarginMode.ISOLATED,
        isolated_margin=3_000.0,
    )
    account = Account("acct", 5_000.0, (btc(58_000.0, 60_000.0), whatif))
    row = evaluate_accounts([account])[0].positions[1]
    assert row.mark_price == 60_000.0
    assert math.isclose(row.liquidation_price, 57_000.0 / 0.995, rel_tol=1e-12)


def test_check_prints_the_note_and_one_price(tmp_path, capsys):
    rows = [
        {"symbol": BTC, "side": "long", "contracts": 1, "entry_price": e, "mark_price": m,
         "maintenance": {"rate": 0.005}}
        for e, m in ((62_000, 64_000), (63_000, 65_000))
    ]  # fmt: skip
    path = tmp_path / "p.json"
    account = {"name": "manual", "wallet_balance": 10_000, "positions": rows}
    portfolio = {"format": "margin-monitor.portfolio/1", "accounts": [account]}
    path.write_text(json.dumps(portfolio))
    assert main(["check", "--portfolio", str(path)]) == 0
    out = capsys.readouterr().out
    assert "NOTE: BTC/USDT:USDT: rows given different marks (64,000.00, 65,000.00)" in out
    assert out.count("57,788.94") == 2  # 115,000 / 1.99, on both rows


def _split(p: Position, share: float, z_first: float, mark: float) -> tuple[Position, Position]:
    """Two lots of p (one side, one symbol) whose sizes and entries add up to p: sizes share
    and 1 - share of it, entries chosen so the size-weighted entry (in the price coordinate z,
    1/P for inverse) is p's. The second lot is typed at `mark`."""
    q = p.contracts
    q1, q2 = q * share, q * (1.0 - share)
    z_entry = 1.0 / p.entry_price if p.inverse else p.entry_price
    z2 = (q * z_entry - q1 * z_first) / q2
    entry1 = 1.0 / z_first if p.inverse else z_first
    entry2 = 1.0 / z2 if p.inverse else z2
    return (
        replace(p, contracts=q1, entry_price=entry1),
        replace(p, contracts=q2, entry_price=entry2, mark_price=mark),
    )


def _close(a: float | None, b: float | None, scale: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9 * scale)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    accounts(typed_marks=True),
    st.data(),
    st.floats(0.1, 0.9),
    st.floats(0.9, 1.1),
    st.floats(0.5, 2.0),
)
def test_two_rows_of_a_symbol_are_one_merged_row(account, data, share, entry_factor, mark_factor):
    """Splitting a cross position into two lots of its symbol, the second typed at any mark,
    changes nothing: same pool figures (the lots bracketed by their joint notional), and both
    lots liquidate where the whole one does."""
    i = data.draw(st.integers(0, len(account.positions) - 1))
    whole = replace(account.positions[i], margin_mode=MarginMode.CROSS, isolated_margin=None)
    z_entry = 1.0 / whole.entry_price if whole.inverse else whole.entry_price
    z_first = z_entry * entry_factor
    assume(z_entry * whole.contracts - z_first * whole.contracts * share > 0)
    first, second = _split(whole, share, z_first, whole.mark_price * mark_factor)
    positions = list(account.positions)
    positions[i] = whole
    merged = replace(account, positions=tuple(positions))
    positions[i] = first
    split = replace(account, positions=(*positions, second))

    one, two = evaluate_accounts([merged])[0], evaluate_accounts([split])[0]
    scale = abs(account.wallet_balance) + sum(
        p.contracts * p.contract_size * (1 / p.mark_price if p.inverse else p.mark_price)
        for p in split.positions
    )
    assert _close(one.margin_balance, two.margin_balance, scale)
    assert _close(one.maintenance_margin, two.maintenance_margin, scale)
    assert _close(one.health_ratio, two.health_ratio, 1.0)
    assert _close(one.liquidation_move_down, two.liquidation_move_down, 1.0)
    assert _close(one.liquidation_move_up, two.liquidation_move_up, 1.0)
    price = one.positions[i].liquidation_price
    # Legs moving together are looked for up to a million times the mark they are valued at:
    # the market's (the symbol's first held row's), not the mark this row was typed at.
    if price is not None and price > one.positions[i].mark_price * GROUP_UP_LIMIT:
        price = None
    assert _close(two.positions[i].liquidation_price, price, whole.mark_price)
    assert _close(two.positions[-1].liquidation_price, price, whole.mark_price)
    for r, row in enumerate(one.positions):
        if r != i:
            assert _close(two.positions[r].liquidation_price, row.liquidation_price, scale)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts(typed_marks=True), st.lists(st.booleans(), min_size=6, max_size=6))
def test_rows_typed_at_any_marks_read_as_the_book_at_the_market_marks(account, whatif):
    """Whatever marks the rows of a symbol were typed at, the figures are those of the book
    with every row at its market's mark (reference.market_marks: the first held row's)."""
    positions = tuple(
        replace(p, hypothetical=flag) for p, flag in zip(account.positions, whatif, strict=False)
    )
    typed = replace(account, positions=positions)
    got = evaluate_accounts([typed])[0]
    want = evaluate_accounts([reference.market_marks(typed)])[0]
    assert replace(got, notes=()) == want


BINANCE_BTC = Maintenance.tiered(
    [0, 50_000, 250_000, 1_000_000], [0.004, 0.005, 0.01, 0.025], [0, 50, 1_300, 16_300]
)


def test_lots_of_one_position_take_the_bracket_of_their_joint_notional():
    # Held 3 BTC and a what-if of 2 more at 60,000: one 300,000 position on the venue, in the
    # 1 % bracket with 1,300 deducted: 1,700 (apart: 850 + 550 = 1,400), shared 3 : 2.
    held = btc(60_000.0, 60_000.0, contracts=3.0, maintenance=BINANCE_BTC)
    more = btc(60_000.0, 60_000.0, contracts=2.0, maintenance=BINANCE_BTC, hypothetical=True)
    report = evaluate_accounts([Account("acct", 30_000.0, (held, more))])[0]
    assert math.isclose(report.maintenance_margin, 1_700.0, rel_tol=1e-12)
    assert [p.maintenance_margin for p in report.positions] == [1_020.0, 680.0]
    # A short of the same symbol is another position (hedge mode): bracketed alone.
    short = btc(60_000.0, 60_000.0, contracts=2.0, maintenance=BINANCE_BTC, side=Side.SHORT)
    hedged = evaluate_accounts([Account("acct", 30_000.0, (held, short))])[0]
    assert math.isclose(hedged.maintenance_margin, 850.0 + 550.0, rel_tol=1e-12)
