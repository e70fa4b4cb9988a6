"""Alert levels by the market move that liquidates: the engine's status, `check` and the alert
machine by one rule — the worse of the health level and the move level (a pool: the nearer of
its liquidating moves; an isolated position: its distance to liquidation).

Every expected figure is worked by hand in the comments from the books below.
"""

from __future__ import annotations

import json
import math

import pytest

from monitor.cli import main
from monitor.domain import Account, Maintenance, MarginMode, Position, Side, evaluate_accounts
from monitor.domain.alert_text import pace_text
from monitor.domain.alerts import AlertMachine, EventKind, SubjectReading
from monitor.domain.model import Thresholds, ThresholdsError
from monitor.domain.report import Level

# A cross pool at health 8.3 that a 0.8 % fall liquidates. 1 BTC long at 91,350 (entry = mark),
# maintenance rate 100/91,350, so maintenance = 100; wallet 830: health = 830 / 100 = 8.3.
# A fall d: margin balance 830 - 91,350 d = maintenance 100 (1 - d)
#   -> 730 = 91,250 d -> d = 0.008. A rise never liquidates a long.
LEVERAGED = Account(
    "leveraged",
    830.0,
    (
        Position(
            "BTC/USDT:USDT", Side.LONG, 1.0, 91_350.0, 91_350.0, Maintenance.flat(100 / 91_350)
        ),
    ),
)

# An isolated long 0.6 % from liquidation: 1 BTC at 50,000 (entry = mark), maintenance 0.5 %
# (250), isolated margin 548.5. Liquidation price P: 548.5 + (P - 50,000) = 0.005 P
#   -> P = 49,451.5 / 0.995 = 49,700; distance (50,000 - 49,700) / 50,000 = 0.006.
# Health (548.5 + 0) / 250 = 2.194, above the 2.0 warning: by health alone it is ok.
ISOLATED = {
    "symbol": "BTC/USDT:USDT",
    "side": "long",
    "contracts": 1,
    "entry_price": 50000,
    "mark_price": 50000,
    "margin_mode": "isolated",
    "isolated_margin": 548.5,
    "maintenance": {"rate": 0.005},
}


def _portfolio(*positions: dict[str, object], wallet: float = 1000) -> str:
    return json.dumps(
        {
            "format": "margin-monitor.portfolio/1",
            "accounts": [{"name": "main", "wallet_balance": wallet, "positions": list(positions)}],
        }
    )


def _check(tmp_path, capsys, content: str, *flags: str) -> tuple[int, str, str]:
    path = tmp_path / "p.json"
    path.write_text(content)
    status = main(["check", "--portfolio", str(path), *flags])
    out = capsys.readouterr()
    return status, out.out, out.err


# -- the engine's status -------------------------------------------------------------------


def test_a_pool_at_health_8_3_a_0_8_percent_fall_from_liquidation_is_critical():
    (health,) = evaluate_accounts([LEVERAGED])
    assert math.isclose(health.health_ratio, 8.3, rel_tol=1e-12)
    assert math.isclose(health.liquidation_move_down, 0.008, rel_tol=1e-9)
    assert health.liquidation_move_up is None
    assert health.status is Level.CRITICAL  # 0.8 % <= the 1 % critical move


def test_the_pool_level_follows_the_accounts_move_thresholds():
    # 0.8 %: above a 0.5 % critical move, within a 3 % warning move -> warning;
    # within neither 0.5 % nor 0.7 % -> ok (health 8.3 is far above 2.0).
    (warned,) = evaluate_accounts([LEVERAGED], Thresholds(move_critical=0.005))
    assert warned.status is Level.WARNING
    (ok,) = evaluate_accounts([LEVERAGED], Thresholds(move_warning=0.007, move_critical=0.005))
    assert ok.status is Level.OK


def test_an_isolated_position_0_6_percent_from_liquidation_makes_the_account_critical():
    isolated = Position(
        "BTC/USDT:USDT", Side.LONG, 1.0, 50_000.0, 50_000.0, Maintenance.flat(0.005),
        margin_mode=MarginMode.ISOLATED, isolated_margin=548.5,
    )  # fmt: skip
    (health,) = evaluate_accounts([Account("main", 1000.0, (isolated,))])
    (position,) = health.positions
    assert math.isclose(position.health_ratio, 2.194, rel_tol=1e-12)
    assert math.isclose(position.distance_to_liquidation, 0.006, rel_tol=1e-9)
    assert health.health_ratio is None  # no cross position: nothing in the pool at risk
    assert health.status is Level.CRITICAL


# -- `check` -------------------------------------------------------------------------------


def test_check_an_isolated_position_0_6_percent_away_prints_critical_and_exits_2(tmp_path, capsys):
    status, out, err = _check(tmp_path, capsys, _portfolio(ISOLATED))
    assert (status, err) == (2, "")
    assert "main  [CRITICAL]" in out
    status, out, _ = _check(tmp_path, capsys, _portfolio(ISOLATED), "--json")
    assert status == 2
    assert json.loads(out)["accounts"][0]["status"] == "critical"


def test_check_a_pool_at_health_8_3_a_0_8_percent_fall_away_exits_2(tmp_path, capsys):
    position = {
        "symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1, "entry_price": 91350,
        "mark_price": 91350, "margin_mode": "cross", "maintenance": {"rate": 100 / 91350},
    }  # fmt: skip
    status, out, _ = _check(tmp_path, capsys, _portfolio(position, wallet=830), "--json")
    assert status == 2
    (account,) = json.loads(out)["accounts"]
    assert math.isclose(account["health_ratio"], 8.3, rel_tol=1e-12)
    assert account["status"] == "critical"


def test_check_takes_the_move_thresholds_in_percent(tmp_path, capsys):
    # The isolated position is 0.6 % away: within a 2 % warning move but not a 0.5 % critical
    # one -> warning (exit 1); within neither 0.5 % nor 0.4 % -> ok (health 2.194 > 2.0).
    flags = ("--move-warning", "2", "--move-critical", "0.5")
    assert _check(tmp_path, capsys, _portfolio(ISOLATED), *flags)[0] == 1
    flags = ("--move-warning", "0.5", "--move-critical", "0.4")
    status, out, _ = _check(tmp_path, capsys, _portfolio(ISOLATED), *flags)
    assert status == 0 and "main  [OK]" in out
    # Moves default to 3 % and 1 % when only the health flags are given: still critical.
    assert _check(tmp_path, capsys, _portfolio(ISOLATED), "--warning", "3")[0] == 2


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (("--move-warning", "3", "--move-critical", "5"), "--move-critical: move_critical (5 %)"),
        (("--move-critical", "0"), "--move-critical: move_critical must be above 0 %"),
        (("--move-warning", "100"), "--move-warning: move_warning must be above 0 %"),
        (("--move-warning", "0.5"), "--move-critical: move_critical (1 %) must not be above"),
        (("--critical", "3"), "--critical: critical (3) must not be above warning (2)"),
    ],
)
def test_check_refuses_thresholds_that_do_not_hold_together_naming_the_flag(
    flags, named, tmp_path, capsys
):
    status, out, err = _check(tmp_path, capsys, _portfolio(ISOLATED), *flags)
    assert status == 3 and out == ""
    assert err.startswith(f"UNKNOWN: {named}"), err
    assert len(err.strip().splitlines()) == 1


# -- Thresholds ----------------------------------------------------------------------------


def test_move_thresholds_default_to_3_and_1_percent_and_keep_their_order():
    assert (Thresholds().move_warning, Thresholds().move_critical) == (0.03, 0.01)
    assert Thresholds(move_warning=0.02, move_critical=0.02).move_critical == 0.02
    for kwargs, field in [
        ({"move_warning": 0.0}, "move_warning"),
        ({"move_warning": 1.0}, "move_warning"),
        ({"move_warning": float("nan")}, "move_warning"),
        ({"move_critical": 0.0}, "move_critical"),
        ({"move_critical": -0.01}, "move_critical"),
        ({"move_critical": 0.04}, "move_critical"),  # above the 3 % warning
        ({"critical": 2.5}, "critical"),  # above the 2.0 warning
    ]:
        with pytest.raises(ThresholdsError) as caught:
            Thresholds(**kwargs)
        assert caught.value.field == field
        assert field in str(caught.value)


# -- the alert machine ---------------------------------------------------------------------


def _pool(health: float, move: float, eta: float | None = None, limits=Thresholds()):
    return SubjectReading("1", "1", "lev", health, limits, move, "falls", eta_seconds=eta)


def test_the_alert_machine_raises_critical_at_health_8_3_and_a_0_8_percent_move():
    machine = AlertMachine()
    (event,) = machine.evaluate(0.0, [_pool(8.3, 0.008)])
    assert (event.kind, event.level, event.notify) == (EventKind.RAISED, Level.CRITICAL, True)
    assert event.message == (
        "lev: critical at a move ≤ 1.0 % — liquidation if the market falls 0.8 % — health 8.30"
    )


def test_a_move_level_clears_only_a_hysteresis_margin_above_its_threshold():
    # Hysteresis 5 %: critical (1 %) clears at 1.05 %, warning (3 %) at 3.15 %.
    machine = AlertMachine()
    assert [e.level for e in machine.evaluate(0.0, [_pool(8.3, 0.009)])] == [Level.CRITICAL]
    assert machine.evaluate(1.0, [_pool(8.3, 0.0104)]) == []  # above 1 %, below 1.05 %
    (cleared,) = machine.evaluate(2.0, [_pool(8.3, 0.0105)])
    assert (cleared.kind, cleared.level, cleared.previous) == (
        EventKind.CLEARED,
        Level.WARNING,
        Level.CRITICAL,
    )
    assert cleared.message == (
        "lev: critical cleared — health 8.30, liquidation 1.1 % away, still warning"
    )
    assert machine.evaluate(3.0, [_pool(8.3, 0.0314)]) == []  # below 3.15 %
    (ok,) = machine.evaluate(4.0, [_pool(8.3, 0.0315)])
    assert (ok.kind, ok.level) == (EventKind.CLEARED, Level.OK)
    # And back: 0.99 % is critical at once (skipping nothing: warning is on the way).
    (again,) = machine.evaluate(5.0, [_pool(8.3, 0.0099)])
    assert (again.kind, again.level, again.notify) == (EventKind.RAISED, Level.CRITICAL, True)


def test_the_worse_of_health_and_move_counts_and_health_tells_when_it_is_the_reason():
    machine = AlertMachine()
    # Health 1.2 <= 1.25 critical; move 2 % only a warning: critical by health.
    (event,) = machine.evaluate(0.0, [_pool(1.2, 0.02)])
    assert event.level is Level.CRITICAL
    assert event.message == (
        "lev: health 1.20 ≤ critical 1.25 — liquidation if the market falls 2.0 %"
    )


def test_the_alert_text_carries_the_time_to_liquidation_at_the_current_pace():
    machine = AlertMachine()
    (event,) = machine.evaluate(0.0, [_pool(8.3, 0.008, eta=40.0)])
    assert event.message == (
        "lev: critical at a move ≤ 1.0 % — liquidation if the market falls 0.8 % — "
        "≈ 40 s at the current pace — health 8.30"
    )
    by_health = AlertMachine()
    (event,) = by_health.evaluate(0.0, [_pool(1.9, 0.05, eta=180.0)])
    assert event.message == (
        "lev: health 1.90 ≤ warning 2.00 — liquidation if the market falls 5.0 % — "
        "≈ 3 min at the current pace"
    )
    # Liquidation by health: the pool is past its move, there is no estimate to tell.
    last = AlertMachine()
    (event,) = last.evaluate(0.0, [SubjectReading("1", "1", "lev", 0.98, Thresholds())])
    assert event.message == "lev: health 0.98 ≤ liquidation 1.00"


def test_the_time_left_reads_in_seconds_minutes_or_hours():
    assert pace_text(None) == ""
    assert pace_text(0.04) == "< 1 s at the current pace"  # a jump between two polls
    assert pace_text(40.0) == "≈ 40 s at the current pace"
    assert pace_text(89.0) == "≈ 89 s at the current pace"
    assert pace_text(600.0) == "≈ 10 min at the current pace"
    assert pace_text(3 * 3600.0) == "≈ 3.0 h at the current pace"
