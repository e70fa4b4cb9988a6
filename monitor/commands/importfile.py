"""`margin-monitor import FILE`: portfolio files (.json) and position spreadsheets (.csv) into
the database, as manual accounts. All or nothing: on any error nothing is written."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

from monitor.domain.model import Account
from monitor.formats.portfolio import (
    FORMAT,
    PortfolioError,
    load_portfolio,
    parse_portfolio,
    parse_position,
)
from monitor.store import StoreError, open_database
from monitor.store.portfolio_io import import_accounts

EXIT_FAILED = 1

BOOLEAN_COLUMNS = ("inverse", "hypothetical")

CSV_HELP = """\
CSV files (.csv) hold one position per row; the header names the portfolio format's position keys
(symbol, side, contracts, contract_size, inverse, entry_price, mark_price, margin_mode,
isolated_margin, leverage, maintenance_basis, close_fee_rate, hypothetical). Maintenance is
given by maintenance_rate [+ maintenance_amount], or max_leverage (Hyperliquid), or a
'maintenance' column holding the format's JSON object (for tier tables). An empty cell means
the key is absent; booleans are true/false. The rows become the manual account --account,
with --wallet-balance. A bad row is reported as FILE:LINE and nothing is imported."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import",
        help="add a portfolio file's (or a CSV file's) accounts to the database",
        description="Add the accounts of a portfolio file (margin-monitor.portfolio/1) to the "
        "database as manual accounts.\n\n" + CSV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="portfolio file (.json) or positions (.csv)")
    p.add_argument("--replace", action="store_true", help="replace accounts of the same name")
    csv_group = p.add_argument_group("CSV files")
    csv_group.add_argument("--account", metavar="NAME", help="account the CSV rows belong to")
    csv_group.add_argument("--wallet-balance", metavar="X", help="that account's wallet balance")
    csv_group.add_argument("--venue", help="ccxt exchange id of that account (optional)")
    csv_group.add_argument("--collateral", help="its collateral currency, e.g. USDT (optional)")
    p.set_defaults(func=run)


def _csv_row(row: dict[str, str | None], source: str) -> dict[str, Any]:
    """A CSV row as the portfolio format's position object (validated later, in one place)."""
    raw: dict[str, Any] = {k: v.strip() for k, v in row.items() if v is not None and v.strip()}
    for key in BOOLEAN_COLUMNS:
        if key in raw and raw[key].lower() in ("true", "false"):
            raw[key] = raw[key].lower() == "true"
    if "maintenance" in raw:
        try:
            raw["maintenance"] = json.loads(raw["maintenance"])
        except json.JSONDecodeError as exc:
            raise PortfolioError(f"{source}: field 'maintenance': not valid JSON: {exc}") from None
    if "maintenance_rate" in raw:
        raw["maintenance"] = {"rate": raw.pop("maintenance_rate")}
        if "maintenance_amount" in raw:
            raw["maintenance"]["amount"] = raw.pop("maintenance_amount")
    if "max_leverage" in raw:
        raw["maintenance"] = {"max_leverage": raw.pop("max_leverage")}
    return raw


def read_csv_account(path: Path, args: argparse.Namespace) -> Account:
    """The account the CSV's rows make up, validated as strictly as a portfolio file."""
    if not args.account:
        raise PortfolioError(f"{path}: a CSV import needs --account NAME")
    if args.wallet_balance is None:
        raise PortfolioError(f"{path}: a CSV import needs --wallet-balance X")
    rows = []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                raw = _csv_row(row, f"{path}:{reader.line_num}")
                parse_position(raw, f"{path}:{reader.line_num}")  # errors name the line
                rows.append(raw)
    except OSError as exc:
        raise PortfolioError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PortfolioError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise PortfolioError(f"{path}: not valid CSV: {exc}") from None
    account: dict[str, Any] = {
        "name": args.account,
        "wallet_balance": args.wallet_balance,
        "positions": rows,
    }
    for key in ("venue", "collateral"):
        if getattr(args, key) is not None:
            account[key] = getattr(args, key)
    # Account-level rules (wallet a number, no mixing of inverse and linear contracts) live
    # in the portfolio parser too: run the assembled account through it.
    document = {"format": FORMAT, "accounts": [account]}
    (parsed,) = parse_portfolio(document, f"{path} (--account, --wallet-balance)")
    return parsed


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        if path.suffix.lower() == ".csv":
            accounts: tuple[Account, ...] = (read_csv_account(path, args),)
        else:
            accounts = load_portfolio(path)
        with open_database(args.db) as db:
            # The marks enter the app now: their age counts from the import.
            import_accounts(db, accounts, replace=args.replace, typed_at=time.time())
    except (PortfolioError, StoreError) as exc:
        print(f"margin-monitor import: {exc}", file=sys.stderr)
        return EXIT_FAILED
    count = sum(len(a.positions) for a in accounts)
    print(f"imported {len(accounts)} account(s), {count} position(s) from {path}")
    return 0
