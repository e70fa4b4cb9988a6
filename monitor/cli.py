"""The `margin-monitor` entry point: a thin dispatcher over monitor.commands.*.

With no command it opens the window (monitor.commands.gui)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from monitor.commands import gui

# Each module in monitor.commands has `register(subparsers)` and sets `func` on its parser.
# Only the command being run is imported (the others pull in ccxt, SQLAlchemy, ...: a second
# of start-up the window should not wait for); the rest appear in --help by these lines.
COMMANDS = {  # command: (module in monitor.commands, one line for --help)
    "check": ("check", "print the health report of a portfolio file or of the stored accounts"),
    "watch": ("watch", "monitor without a window: print alerts and send webhooks"),
    "import": ("importfile", "add a portfolio file's (or a CSV file's) accounts to the database"),
    "export": ("export", "write stored accounts as a portfolio file"),
    "accounts": ("accounts", "add, list or remove exchange accounts"),
    "webhooks": ("webhooks", "add, list or remove the webhooks alerts are sent to"),
    "replay": ("replay", "replay a past crash (a preset or any dates) on today's book"),
    "sim": ("sim", "run the simulated exchange on 127.0.0.1 and print its demo credentials"),
}

EXIT_UNKNOWN = 3


class _Version(argparse.Action):
    """--version: the installed version, looked up only when asked (monitor/__init__.py)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings, argparse.SUPPRESS, nargs=0, default=argparse.SUPPRESS, **kwargs
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        import monitor

        print(f"margin-monitor {monitor.__version__}")
        parser.exit()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="margin-monitor",
        description="Margin health and liquidation risk of crypto perpetual-futures accounts.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    parser.add_argument(
        "--db",
        help="database: a SQLite file (path or sqlite:///PATH) or postgresql+psycopg://USER:"
        "PASSWORD@HOST/NAME (default: a file in the user data dir; env MARGIN_MONITOR_DB)",
    )
    gui.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    words = sys.argv[1:] if argv is None else list(argv)
    chosen = next((w for w in words if w in COMMANDS), None)
    for name, (module, help_text) in COMMANDS.items():
        if name == chosen:
            importlib.import_module(f"monitor.commands.{module}").register(sub)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return gui.run(args)
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one place that turns a crash into a clear line
        where = f" {args.command}" if args.command else ""
        print(f"margin-monitor{where}: {_one_line(exc, args.db)}", file=sys.stderr)
        return EXIT_UNKNOWN


def _one_line(exc: Exception, db: str | None = None) -> str:
    """A failure in one plain line: a database error by its driver's words (SQLAlchemy's text
    appends the statement and its parameters), and never a URL's password."""
    from monitor.redact import without_password
    from monitor.store.database import BUSY_TIMEOUT_SECONDS
    from monitor.store.location import resolve_url
    from monitor.store.postgresql import is_lock_timeout

    if type(exc).__module__.startswith("sqlalchemy"):
        reason = getattr(exc, "orig", None) or exc
        words = str(reason).splitlines()[0] if str(reason) else repr(reason)
        name = resolve_url(db)
        if "database is locked" in words or is_lock_timeout(reason):  # SQLite, PostgreSQL
            text = (
                f"database {name}: locked by another program writing to it (waited "
                f"{BUSY_TIMEOUT_SECONDS:g} s); nothing was changed, try again when it is done"
            )
        else:
            text = f"database {name}: {words}"
    else:
        text = f"error: {type(exc).__name__}: {exc}"
    return without_password(" ".join(text.split()))


if __name__ == "__main__":
    sys.exit(main())
