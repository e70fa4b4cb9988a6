"""Which database to open: `--db`, else $MARGIN_MONITOR_DB, else a file in the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "MARGIN_MONITOR_DB"
APP_NAME = "margin-monitor"
FILE_NAME = "margin-monitor.sqlite3"
# A PostgreSQL server that never answers must not hang `check` (postgresql.py, plain_read.py).
CONNECT_TIMEOUT_SECONDS = 10


def default_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


def resolve_url(url: str | None = None) -> str:
    """A SQLAlchemy URL; a bare file path (no "://") is taken as a SQLite file."""
    chosen = url or os.environ.get(ENV_VAR) or ""
    if not chosen:
        path = default_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the owner's only
        return f"sqlite:///{path}"
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen
