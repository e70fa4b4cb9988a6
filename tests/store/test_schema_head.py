"""Opening a database already at the schema's head imports no Alembic (a tenth of a second
of every start): the head is read from the migration files' text. That reading must agree
with Alembic's, and must hand anything it does not understand back to Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from monitor.store import open_database
from monitor.store.database import MIGRATIONS_DIR, alembic_config
from monitor.store.schema_head import quick_head
from tests.store.schema_0001 import schema_0001


def test_the_quick_head_is_alembic_s_head():
    assert (
        quick_head(MIGRATIONS_DIR)
        == ScriptDirectory.from_config(alembic_config()).get_current_head()
    )


def _versions(tmp_path: Path, scripts: dict[str, str]) -> Path:
    (tmp_path / "versions").mkdir()
    for name, text in scripts.items():
        (tmp_path / "versions" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_line_of_scripts_has_its_last_as_head(tmp_path):
    found = _versions(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": 'revision = "a"\ndown_revision = None\n',
            "b.py": 'revision: str = "b"\ndown_revision: str | None = "a"\n',
            "c.py": "revision = 'c'\ndown_revision = 'b'\n",
        },
    )
    assert quick_head(found) == "c"


@pytest.mark.parametrize(
    "scripts",
    [
        {},  # no scripts (a bundle of compiled files only)
        {  # two heads
            "a.py": 'revision = "a"\ndown_revision = None\n',
            "b.py": 'revision = "b"\ndown_revision = "a"\n',
            "c.py": 'revision = "c"\ndown_revision = "a"\n',
        },
        {  # a merge
            "a.py": 'revision = "a"\ndown_revision = None\n',
            "b.py": 'revision = "b"\ndown_revision = ("a", "x")\n',
        },
        {"a.py": "revision = make()\ndown_revision = None\n"},  # computed
        {"a.py": 'revision = "a"\n'},  # no down_revision line
        {"b.py": 'revision = "b"\ndown_revision = "a"\n'},  # a parent that is not there
    ],
)
def test_anything_unusual_is_left_to_alembic(tmp_path, scripts):
    assert quick_head(_versions(tmp_path, scripts)) is None


def test_opening_a_database_at_head_imports_no_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'at-head.sqlite3'}"
    open_database(url).close()  # made and migrated here
    probe = (
        "import sys\nfrom monitor.store import open_database\n"
        f"open_database({url!r}, create=False).close()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('alembic')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_a_database_behind_head_is_still_migrated(db_url, tmp_path):
    url = schema_0001(db_url, tmp_path)
    with open_database(url) as db, db.engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    assert version == quick_head(MIGRATIONS_DIR) != "0001"
