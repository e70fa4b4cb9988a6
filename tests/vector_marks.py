"""Helpers shared by the tests that run the published vectors (tests/data/vectors/cases.json)."""

from __future__ import annotations

from typing import Any


def marks_differ(portfolio: dict[str, Any]) -> bool:
    """Whether rows of one symbol in one account carry different marks (such a derived example
    values each row at its own mark, so it runs with --marks-per-row)."""
    for account in portfolio["accounts"]:
        marks: dict[str, set[float]] = {}
        for p in account["positions"]:
            marks.setdefault(p["symbol"], set()).add(p["mark_price"])
        if any(len(m) > 1 for m in marks.values()):
            return True
    return False
