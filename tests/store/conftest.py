"""Store tests run against a real database: `db` (and `db_url`) once on a SQLite file in
tmp_path, once on a PostgreSQL database of its own (tests/postgres.py). `db_path` is for the
tests about SQLite files themselves."""

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
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()
