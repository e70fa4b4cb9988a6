"""`margin-monitor export FILE [--account NAME]...`: stored accounts as a portfolio file."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from monitor.formats.portfolio import dump_portfolio
from monitor.store import MissingDatabase, StoreError, open_database
from monitor.store.portfolio_io import export_accounts

EXIT_FAILED = 1
EXIT_UNKNOWN = 3  # nothing to export from: the database is not there


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export",
        help="write stored accounts as a portfolio file",
        description="Write stored accounts as a portfolio file (margin-monitor.portfolio/1), "
        "with their positions and the hypothetical ones that are switched on.",
    )
    p.add_argument("file", metavar="FILE", help="where to write ('-': standard output)")
    p.add_argument(
        "--account", metavar="NAME", action="append", help="only this account (repeatable)"
    )
    p.set_defaults(func=run)


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the whole new one, never a half-written one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    try:
        with open_database(args.db, create=False) as db:
            text = dump_portfolio(export_accounts(db, args.account))
        if args.file == "-":
            sys.stdout.write(text)
        else:
            write_atomically(Path(args.file), text)
    except MissingDatabase as exc:
        print(f"margin-monitor export: {exc}", file=sys.stderr)
        return EXIT_UNKNOWN
    except StoreError as exc:
        print(f"margin-monitor export: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(
            f"margin-monitor export: {args.file}: cannot write: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0
