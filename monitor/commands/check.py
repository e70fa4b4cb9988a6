"""`margin-monitor check`: evaluate a portfolio and print its health report."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from monitor.commands import check_risk
from monitor.domain import AccountHealth, Thresholds, evaluate_accounts
from monitor.domain.model import ThresholdsError
from monitor.formats.health_json import FORMAT, exit_status, health_dict
from monitor.formats.pools_json import PooledReport, pooled_dict, pooled_exit_status
from monitor.formats.portfolio import PortfolioError, load_portfolio
from monitor.formats.table import health_table

if TYPE_CHECKING:
    from monitor.store.portfolio_io import MarkAge, StoredBook

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
        "--move-warning",
        type=float,
        default=None,
        metavar="PCT",
        help="warning when a market move of this many percent liquidates (3)",
    )
    p.add_argument(
        "--move-critical",
        type=float,
        default=None,
        metavar="PCT",
        help="critical when a market move of this many percent liquidates (1)",
    )
    p.add_argument(
        "--marks-per-row",
        action="store_true",
        help="value each row at its own mark, rows of one symbol typed at different marks "
        "solved apart (the spec's derived examples); by default one symbol has one mark",
    )
    p.add_argument(
        "--refresh",
        action="store_true",
        help="poll every stored account once before reporting (no --portfolio)",
    )
    check_risk.add_arguments(p)
    p.set_defaults(func=run)


def fail(message: str, as_json: bool = False) -> int:
    """Exit 3 with the reason on stderr; under --json also the health format's error object
    on stdout, so a job reading the JSON sees the failure too."""
    print(f"UNKNOWN: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"format": FORMAT, "error": message}, indent=2))
    return EXIT_UNKNOWN


# The command line's names of the Thresholds fields.
FLAGS = {
    "warning": "--warning",
    "critical": "--critical",
    "liquidation": "--critical",
    "move_warning": "--move-warning",
    "move_critical": "--move-critical",
}


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    """The thresholds of a portfolio check; the move flags are percent (3 -> 0.03)."""
    moves = {}
    if args.move_warning is not None:
        moves["move_warning"] = args.move_warning / 100
    if args.move_critical is not None:
        moves["move_critical"] = args.move_critical / 100
    return Thresholds(warning=args.warning, critical=args.critical, **moves)


def report(
    reports: tuple[AccountHealth, ...], as_json: bool, risks: dict[check_risk.Key, Any]
) -> int:
    if as_json:
        doc = health_dict(reports)
        for i, entry in enumerate(doc["accounts"]):
            entry.update(check_risk.risk_fields(risks.get((i, 0, None))))
            for row in entry["positions"]:
                if row.get("margin_mode") == "isolated":
                    row.update(check_risk.risk_fields(risks.get((i, 0, row["symbol"]))))
        print(json.dumps(doc, indent=2))
    else:
        print(health_table(reports))
        for (i, _, _), r in risks.items():
            print(check_risk.words(reports[i].name, "", r))
    return exit_status(reports)


def report_pools(
    books: Sequence[StoredBook],
    as_json: bool,
    risks: dict[check_risk.Key, Any],
    missing: str = "unknown: no positions",
) -> int:
    """Every pool of every stored account; the exit code is the worst pool's."""
    from monitor.domain import Book, evaluate
    from monitor.sources.exchange.catalog import is_verified

    pools = [p for b in books for p in b.pools]
    limits = tuple(b.thresholds for b in books for _ in b.pools)
    healths = iter(evaluate(Book.build(pools), None, limits))
    reports = [
        PooledReport(
            b.name,
            tuple((p, next(healths)) for p in b.pools),
            b.thresholds,
            verified=b.kind != "exchange" or is_verified(b.venue),
        )
        for b in books
    ]
    if as_json:
        accounts = [pooled_dict(r) for r in reports]
        now = time.time()
        for b, (book, entry) in enumerate(zip(books, accounts, strict=True)):
            if book.kind == "manual":  # typed marks never move: their age, as the text says
                entry["marks"] = [mark_dict(m, now) for m in book.marks]
            index = {p.collateral: j for j, p in enumerate(book.pools)}
            for pool in entry["pools"]:
                symbol = pool.get("symbol") if pool.get("margin_mode") == "isolated" else None
                key = (b, index.get(pool["collateral"], -1), symbol)
                pool.update(check_risk.risk_fields(risks.get(key), missing))
        print(json.dumps({"format": FORMAT, "accounts": accounts}, indent=2))
    else:
        for r in reports:
            if not r.verified:
                print(f"{r.name}: UNVERIFIED — the app's reading of this venue is not verified")
        print(health_table([h for r in reports for _, h in r.pools]))
        for line in mark_lines(books, time.time()):
            print(line)
        for (b, j, _), r in risks.items():
            pool = books[b].pools[j]
            print(check_risk.words(books[b].name, pool.collateral or "", r))
    return pooled_exit_status(reports)


def mark_lines(books: Sequence[StoredBook], now: float) -> list[str]:
    """Where each manual account's marks come from, and how old they are: a typed mark
    never moves with the market, so its age is what the trader needs to judge it."""
    lines = []
    for book in books:
        for m in book.marks:
            words = mark_words(m, now)
            if m.source != "public" and m.at is None:
                words += ", when not kept"
            lines.append(f"{book.name}: {m.symbol} mark {words}")
    return lines


def mark_words(mark: MarkAge, now: float) -> str:
    """ "typed 3 h ago", "from binanceusdm public ticker, read 2 min ago"."""
    from monitor.formats.mark_age import ago, typed_age

    if mark.source == "public" and mark.at is not None:
        return f"from {mark.venue} public ticker, read {ago(now - mark.at)}"
    return typed_age(mark.at, now)


def mark_dict(mark: MarkAge, now: float) -> dict[str, Any]:
    """A mark's origin for `--json`: "typed" (venue null) or "public", when (epoch seconds,
    null if never kept), its age in seconds, and the text report's words for it."""
    public = mark.source == "public" and mark.at is not None
    return {
        "symbol": mark.symbol,
        "source": "public" if public else "typed",
        "venue": mark.venue if public else None,
        "at": mark.at,
        "age_seconds": None if mark.at is None else max(0.0, now - mark.at),
        "words": mark_words(mark, now),
    }


def run(args: argparse.Namespace) -> int:
    try:
        thresholds = thresholds_from(args)
    except ThresholdsError as exc:
        return fail(f"{FLAGS[exc.field]}: {exc}", args.json)
    try:
        settings = check_risk.settings_from(args)
    except ValueError as exc:
        return fail(str(exc), args.json)
    if not args.portfolio:
        # The stored accounts, each judged by its own stored thresholds. Imported here so a
        # file check does not load the database layer.
        from monitor.store import StoreError, open_database
        from monitor.store.portfolio_io import stored_accounts

        if args.refresh:
            try:
                failed = _refresh_all(args.db)
            except StoreError as exc:
                return fail(str(exc), args.json)
            if failed:
                return fail(failed, args.json)
        try:
            with open_database(args.db, create=False) as db:
                books = stored_accounts(db, time.time())
        except StoreError as exc:
            return fail(str(exc), args.json)
        if not books:  # nothing watched is nothing known, never "all is well"
            return fail("no accounts in the database", args.json)
        if args.no_odds:
            return report_pools(books, args.json, {}, check_risk.SKIPPED)
        return report_pools(books, args.json, check_risk.stored_risks(books, settings))
    try:
        accounts = load_portfolio(args.portfolio)
    except PortfolioError as exc:
        return fail(str(exc), args.json)
    risks = check_risk.file_risks(accounts, thresholds.warning)
    return report(
        evaluate_accounts(accounts, thresholds, one_mark=not args.marks_per_row), args.json, risks
    )


def _refresh_all(db_url: str | None) -> str | None:
    """Poll every stored account once; the reason of the first that failed, or None."""
    from monitor.service.session import MonitorSession

    session = MonitorSession(db_url, create=False)
    try:
        snapshot = session.start().refresh_once(timeout=60)
    finally:
        session.stop()
    for account in snapshot.accounts:
        status = account.status
        if status.last_error and not account.known:
            # The window's words for it (what failed, what to do), then the library's text.
            words = status.advice or status.last_error
            details = f"\ndetails: {status.last_error}" if status.advice else ""
            return f"account '{account.name}': refresh failed: {words}{details}"
    return None
