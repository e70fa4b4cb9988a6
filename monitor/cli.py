"""The `margin-monitor` entry point: a thin dispatcher over monitor.commands.*."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from monitor import __version__

# Each module in monitor.commands has `register(subparsers)` and sets `func` on its parser.
COMMANDS = ("check", "sim", "importfile", "export", "accounts")

EXIT_UNKNOWN = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="margin-monitor",
        description="Margin health and liquidation risk of crypto perpetual-futures accounts.",
    )
    parser.add_argument("--version", action="version", version=f"margin-monitor {__version__}")
    parser.add_argument(
        "--db", help="database URL (default: the user data dir; env MARGIN_MONITOR_DB)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"monitor.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one place that turns a crash into a clear line
        print(f"margin-monitor {args.command}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_UNKNOWN


if __name__ == "__main__":
    sys.exit(main())
