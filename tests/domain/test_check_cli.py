"""`margin-monitor check`: exit codes and one clear line for every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.cli import main

EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "two-positions.json"


def _portfolio(**position_overrides):
    position = {
        "symbol": "BTC/USDT:USDT",
        "side": "long",
        "contracts": 0.5,
        "entry_price": 50000,
        "mark_price": 50000,
        "margin_mode": "cross",
        "maintenance": {"rate": 0.005},
    }
    position.update(position_overrides)
    position = {k: v for k, v in position.items() if v is not ...}
    return {
        "format": "margin-monitor.portfolio/1",
        "accounts": [{"name": "main", "wallet_balance": 2000, "positions": [position]}],
    }


def _run(tmp_path, capsys, content: str) -> tuple[int, str, str]:
    path = tmp_path / "p.json"
    path.write_text(content)
    status = main(["check", "--portfolio", str(path)])
    out = capsys.readouterr()
    return status, out.out, out.err


BAD = {
    "not json": ("{not json", None),
    "wrong format": (json.dumps({**_portfolio(), "format": "other/1"}), "format"),
    "missing key": (json.dumps(_portfolio(entry_price=...)), "entry_price"),
    "unknown key": (json.dumps(_portfolio(leverge=10)), "leverge"),
    "contracts zero": (json.dumps(_portfolio(contracts=0)), "contracts"),
    "contracts negative": (json.dumps(_portfolio(contracts=-1)), "contracts"),
    "negative price": (json.dumps(_portfolio(mark_price=-5)), "mark_price"),
    "NaN": (json.dumps(_portfolio()).replace("50000,", "NaN,", 1), "entry_price"),
    "NaN string": (json.dumps(_portfolio(entry_price="nan")), "entry_price"),
    "not a number": (json.dumps(_portfolio(contracts="abc")), "contracts"),
    "isolated without margin": (json.dumps(_portfolio(margin_mode="isolated")), "isolated_margin"),
    "bad side": (json.dumps(_portfolio(side="buy")), "side"),
    "bad maintenance": (json.dumps(_portfolio(maintenance={"rat": 0.1})), "maintenance.rat"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_exits_3_with_one_line_naming_the_place(name, tmp_path, capsys):
    content, field = BAD[name]
    status, out, err = _run(tmp_path, capsys, content)
    assert status == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(tmp_path / "p.json") in lines[0]
    assert "Traceback" not in err
    if field is not None:
        assert f"field '{field}'" in lines[0]
        assert "account 'main'" in lines[0] or field == "format"
        if field != "format":
            assert "position #1 (BTC/USDT:USDT)" in lines[0] or field == "symbol"


def test_mixed_inverse_and_linear_is_refused(tmp_path, capsys):
    doc = _portfolio()
    inverse = dict(doc["accounts"][0]["positions"][0], symbol="BTC/USD:BTC", inverse=True)
    doc["accounts"][0]["positions"].append(inverse)
    status, _, err = _run(tmp_path, capsys, json.dumps(doc))
    assert status == 3
    assert "account 'main'" in err and "inverse" in err


def test_missing_file_is_unknown(tmp_path, capsys):
    status = main(["check", "--portfolio", str(tmp_path / "absent.json")])
    assert status == 3
    assert "absent.json" in capsys.readouterr().err


def test_decimal_strings_are_numbers(tmp_path, capsys):
    as_numbers = _run(tmp_path, capsys, json.dumps(_portfolio()))
    as_strings = _run(
        tmp_path, capsys, json.dumps(_portfolio(contracts="0.5", entry_price="50000"))
    )
    assert as_numbers == as_strings


@pytest.mark.parametrize(
    ("wallet", "expected_status", "flags"),
    # 0.5 BTC at 50,000 with 0.5 % maintenance needs 125: health = wallet / 125. A fall d
    # liquidates at wallet - 25,000 d = 125 (1 - d): d = (wallet - 125) / 24,875.
    [
        (2000, 0, ()),  # health 16, d = 7.5 %
        (622.5, 1, ()),  # health 4.98, d = 2.0 %: warning by the move (<= 3 %)
        # health 1.92 (warning) but d = 0.46 %: critical by the move (<= 1 %)
        (240, 2, ()),
        # the same with the move levels below 0.46 %: the health's warning
        (240, 1, ("--move-warning", "0.3", "--move-critical", "0.2")),
        (150, 2, ()),  # health 1.2
        (100, 2, ()),  # health 0.8: liquidation
    ],
)
def test_exit_status_follows_thresholds(wallet, expected_status, flags, tmp_path, capsys):
    doc = _portfolio()
    doc["accounts"][0]["wallet_balance"] = wallet
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    status = main(["check", "--portfolio", str(path), *flags])
    out = capsys.readouterr().out
    assert status == expected_status
    level = {0: "[OK]", 1: "[WARNING]", 2: "[CRITICAL]" if wallet > 125 else "[LIQUIDATION]"}
    assert level[expected_status] in out


def test_thresholds_are_configurable(tmp_path, capsys):
    doc = _portfolio()
    doc["accounts"][0]["wallet_balance"] = 1000  # health 8
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    assert main(["check", "--portfolio", str(path), "--warning", "10", "--critical", "5"]) == 1
    assert main(["check", "--portfolio", str(path), "--warning", "10", "--critical", "9"]) == 2


def test_example_portfolio_runs_as_a_program():
    """The README's run command, as a real process: table out, status 0."""
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "check", "--portfolio", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "BTC/USDC:USDC" in result.stdout and "ETH/USDC:USDC" in result.stdout
    assert "1,760.00" in result.stdout  # the article's equity after both 8 % adverse moves
