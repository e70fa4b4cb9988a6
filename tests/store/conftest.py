"""Store tests run against a real SQLite file on disk in tmp_path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.store import Database, open_database

VECTORS = Path(__file__).parents[1] / "data" / "vectors" / "cases.json"
EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "two-positions.json"


def vector_cases() -> list[dict[str, Any]]:
    return json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(str(db_path))
    yield database
    database.close()
