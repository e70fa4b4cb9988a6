"""Every published worked example in tests/data/vectors/cases.json, through `check --json`.

The file is a copy of shared/vectors/cases.json with its sources; nothing is retyped here.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from monitor.cli import main
from tests.vector_marks import marks_differ

CASES = json.loads((Path(__file__).parents[1] / "data" / "vectors" / "cases.json").read_text())[
    "cases"
]


def _close(got: Any, expected: Any, rel: float) -> bool:
    if expected is None or got is None:
        return got is expected
    # Absolute floor for figures that are exactly zero in the source.
    return math.isclose(got, expected, rel_tol=rel, abs_tol=1e-9)


def _compare(got: dict[str, Any], expected: dict[str, Any], rel: float, where: str) -> list[str]:
    problems = []
    for key, value in expected.items():
        if key == "positions":
            assert len(got[key]) == len(value), f"{where}: position count"
            for i, (g, e) in enumerate(zip(got[key], value, strict=True)):
                problems += _compare(g, e, rel, f"{where} position #{i + 1}")
        elif isinstance(value, str):
            if got[key] != value:
                problems.append(f"{where} {key}: {got[key]!r} != {value!r}")
        elif not _close(got[key], value, rel):
            problems.append(f"{where} {key}: got {got[key]}, expected {value}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_check_json_reproduces_case(case, tmp_path, capsys):
    path = tmp_path / f"{case['id']}.json"
    path.write_text(json.dumps(case["portfolio"]))
    # Some derived examples value each row at its own mark, lots of one symbol at different
    # marks solved apart; the app's default is one mark per symbol (test_one_mark.py).
    per_row = ["--marks-per-row"] if marks_differ(case["portfolio"]) else []
    status = main(["check", "--portfolio", str(path), "--json", *per_row])
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "margin-monitor.health/1"
    assert status in (0, 1, 2)
    problems = []
    for got, expected in zip(report["accounts"], case["expected"]["accounts"], strict=True):
        problems += _compare(got, expected, case["rel_tolerance"], f"{case['id']} {got['name']}")
    assert not problems, "\n".join(problems)


def test_every_case_has_a_source():
    assert len(CASES) >= 30
    assert all(c["source"].strip() for c in CASES)
