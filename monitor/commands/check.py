"""`margin-monitor check`: evaluate a portfolio and print its health report."""

from __future__ import annotations

import argparse
import json
import sys

from monitor.domain import AccountHealth, Thresholds, evaluate_accounts
from monitor.formats.health_json import exit_status, health_dict
from monitor.formats.portfolio import PortfolioError, load_portfolio
from monitor.formats.table import health_table

EXIT_UNKNOWN = 3


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="print the health report of a portfolio file")
    p.add_argument(
        "--portfolio", metavar="FILE", help="portfolio file (margin-monitor.portfolio/1)"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--warning", type=float, default=2.0, help="warning at health <= this (2.0)")
    p.add_argument("--critical", type=float, default=1.25, help="critical at health <= this (1.25)")
    p.add_argument(
        "--refresh",
        action="store_true",
        help="poll every stored account once before reporting (no --portfolio)",
    )
    p.set_defaults(func=run)


def fail(message: str) -> int:
    print(f"UNKNOWN: {message}", file=sys.stderr)
    return EXIT_UNKNOWN


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    return Thresholds(warning=args.warning, critical=args.critical)


def report(reports: tuple[AccountHealth, ...], as_json: bool) -> int:
    if as_json:
        print(json.dumps(health_dict(reports), indent=2))
    else:
        print(health_table(reports))
    return exit_status(reports)


def run(args: argparse.Namespace) -> int:
    try:
        thresholds = thresholds_from(args)
    except ValueError as exc:
        return fail(f"--warning/--critical: {exc}")
    if not args.portfolio:
        # The stored accounts, each judged by its own stored thresholds. Imported here so a
        # file check does not load the database layer.
        import time

        from monitor.domain import Book, evaluate
        from monitor.store import StoreError, open_database
        from monitor.store.portfolio_io import stored_accounts

        if args.refresh:
            failed = _refresh_all(args.db)
            if failed:
                return fail(failed)
        try:
            with open_database(args.db) as db:
                accounts, limits = stored_accounts(db, time.time())
        except StoreError as exc:
            return fail(str(exc))
        return report(evaluate(Book.build(accounts), None, limits), args.json)
    try:
        accounts = load_portfolio(args.portfolio)
    except PortfolioError as exc:
        return fail(str(exc))
    return report(evaluate_accounts(accounts, thresholds), args.json)


def _refresh_all(db_url: str | None) -> str | None:
    """Poll every stored account once; the reason of the first that failed, or None."""
    from monitor.service.session import MonitorSession

    session = MonitorSession(db_url)
    try:
        snapshot = session.start().refresh_once(timeout=60)
    finally:
        session.stop()
    for account in snapshot.accounts:
        if account.status.last_error and not account.known:
            return f"account '{account.name}': refresh failed: {account.status.last_error}"
    return None
