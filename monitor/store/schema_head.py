"""Is the database at the schema's head? Answered without importing Alembic.

Alembic (and the migration scripts it loads) takes about a tenth of a second to import; a
database already at head — nearly every open — needs none of it. The head is read from the
migration files' text (their `revision = "…"` / `down_revision = "…"` lines), the stored
revision with one query. Anything unusual (no files, a merge, two heads, a line this reader
does not understand) answers None: the caller then asks Alembic itself.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy only where a Connection is asked: plain_read.py needs none
    from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


def quick_head(migrations_dir: Path) -> str | None:
    """The one head revision of the scripts in migrations_dir/versions, or None."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((migrations_dir / "versions").glob("*.py")):
        found: dict[str, list[str]] = {}
        for name, value in _ASSIGNMENT.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(value)
        if not found:
            continue  # __init__.py and the like
        if len(found.get("revision", ())) != 1 or len(found.get("down_revision", ())) != 1:
            return None
        try:
            revision = ast.literal_eval(found["revision"][0])
            down = ast.literal_eval(found["down_revision"][0])
        except (ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            return None  # a merge (a tuple) or something computed: Alembic's to judge
        revisions.add(revision)
        if down is not None:
            parents.add(down)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def stored_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions the database says it is at: () for one without the version table."""
    from sqlalchemy import inspect

    if not inspect(connection).has_table(VERSION_TABLE):
        return ()
    rows = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars()
    return tuple(str(row) for row in rows)
