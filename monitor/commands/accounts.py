"""`margin-monitor accounts add|list|remove`: exchange accounts and their read-only credentials.

Secrets never come from the command line (shell history, `ps`): they are read from
MARGIN_MONITOR_API_KEY / _SECRET / _PASSWORD or prompted for, and stored in the OS keyring.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from monitor.contracts import MAX_INTERVAL, MIN_INTERVAL, endpoint_problem
from monitor.contracts import interval_problem as refresh_interval_problem
from monitor.service.api import Credentials
from monitor.service.probability_alerts import PROBABILITY_ALERT
from monitor.sources.exchange import credentials as vault
from monitor.sources.exchange.build import ADDRESS_ONLY, SUPPORTED
from monitor.store import StoreError, open_database

EXIT_FAILED = 1


def interval_problem(value: float | None) -> str | None:
    problem = refresh_interval_problem(value)
    return None if problem is None else f"--interval: {problem}"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("accounts", help="add, list or remove exchange accounts")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a read-only exchange account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--exchange", required=True, choices=SUPPORTED, metavar="ID")
    add.add_argument("--api-url", metavar="URL", help="REST base URL override")
    add.add_argument(
        "--ws-url", metavar="URL", help="websocket base URL override (live marks; Binance USDⓈ-M)"
    )
    add.add_argument("--sandbox", action="store_true", help="use the venue's testnet")
    add.add_argument("--wallet", metavar="ADDRESS", help="wallet address (Hyperliquid, dYdX)")
    add.add_argument(
        "--credentials-file", metavar="PATH", type=Path,
        help="keep the API secrets in this file (chmod 600) instead of the OS keyring",
    )  # fmt: skip
    add.add_argument(
        "--interval", metavar="S", type=float,
        help=f"seconds between refreshes, {MIN_INTERVAL:g}-{MAX_INTERVAL:g} (default 2)",
    )  # fmt: skip
    add.set_defaults(func=run_add)
    set_ = actions.add_parser(
        "set", help="change an account's refresh interval or its probability alert"
    )
    set_.add_argument("name", metavar="NAME")
    set_.add_argument("--interval", metavar="S", type=float)
    set_.add_argument(
        "--probability-alert", metavar="PCT|off",
        help="alert when the chance of liquidation within 24 h reaches PCT percent (off by "
        "default; the window and `watch` compute it)",
    )  # fmt: skip
    set_.set_defaults(func=run_set)
    actions.add_parser("list", help="list stored accounts").set_defaults(func=run_list)
    remove = actions.add_parser("remove", help="remove an account and its stored secrets")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=run_remove)


def read_secrets() -> Credentials:
    from_env = vault.from_environment()
    if from_env is not None:
        return from_env
    return Credentials(
        getpass.getpass("API key: "),
        getpass.getpass("API secret: "),
        getpass.getpass("API passphrase (empty if none): "),
    )


def fail(message: str) -> int:
    print(f"margin-monitor accounts: {message}", file=sys.stderr)
    return EXIT_FAILED


def run_add(args: argparse.Namespace) -> int:
    problem = interval_problem(args.interval)
    if problem:
        return fail(problem)
    for url, flag in ((args.api_url, "--api-url"), (args.ws_url, "--ws-url")):
        problem = endpoint_problem(url, flag)
        if problem:
            return fail(problem)
    address_only = args.exchange in ADDRESS_ONLY
    if address_only and not args.wallet:
        return fail(f"{args.exchange} is read by wallet address: pass --wallet ADDRESS")
    settings = {
        "exchange_id": args.exchange,
        "sandbox": bool(args.sandbox),
        "api_url": args.api_url,
        "wallet_address": args.wallet,
    }
    if args.interval is not None:
        settings["interval"] = args.interval
    if args.ws_url:
        settings["ws_url"] = args.ws_url
    # A taken name is refused before any secret is asked for or saved: saving first would
    # overwrite the stored account's keys (keyring entry or file entry, both by name), and the
    # clean-up after the refusal would then delete them.
    try:
        with open_database(args.db) as db:
            taken = db.accounts.by_name(args.name) is not None
    except StoreError as exc:
        return fail(str(exc))
    if taken:
        return fail(f"account '{args.name}': an account of that name already exists")
    reference = None
    where = ""
    if not address_only:
        if args.credentials_file is None and vault.from_environment() is None:
            try:  # nowhere to keep them: say so before asking for any secret
                vault.require_keyring()
            except vault.NoKeyring as exc:
                return fail(str(exc))
        try:
            secrets = read_secrets()
        except EOFError:
            return fail(
                "no terminal to type the keys in: set "
                f"{', '.join(vault.ENV_KEYS)} for this command, or run it in a terminal"
            )
        reference = args.name
        try:
            if args.credentials_file is not None:
                vault.save_to_file(args.credentials_file, reference, secrets)
                settings["credentials_file"] = str(args.credentials_file)
            else:
                vault.save(reference, secrets)
        except vault.NoKeyring as exc:
            if args.credentials_file is not None or vault.from_environment() is None:
                return fail(str(exc))
            # No keyring, and the keys are in this run's environment: the account reads them
            # from there at every run (a server's `watch`), nothing is stored.
            settings["credentials_from"] = "environment"
            reference = None
            where = f" (keys from {', '.join(vault.ENV_KEYS[:2])} at every run: no OS keyring)"
    try:
        with open_database(args.db) as db:
            db.accounts.add(
                args.name, "exchange", venue=args.exchange, settings=settings,
                credentials_ref=reference,
            )  # fmt: skip
    except StoreError as exc:
        if reference and args.credentials_file is None:
            vault.delete(reference)  # do not leave secrets behind for an account not stored
        return fail(str(exc))
    print(f"added {args.name} ({args.exchange}){where}")
    return 0


def probability_alert(text: str) -> float | None:
    """'10' -> 0.10; 'off' -> None; ValueError naming the flag otherwise."""
    if text.strip().lower() == "off":
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 100:  # NaN fails too
        raise ValueError(
            f"--probability-alert: a percentage above 0 and at most 100, got {text!r} (or 'off')"
        )
    return value / 100


def run_set(args: argparse.Namespace) -> int:
    if args.interval is None and args.probability_alert is None:
        return fail("accounts set: nothing to set: give --interval or --probability-alert")
    problem = None if args.interval is None else interval_problem(args.interval)
    if problem:
        return fail(problem)
    try:
        alert = (
            None if args.probability_alert is None else probability_alert(args.probability_alert)
        )
    except ValueError as exc:
        return fail(str(exc))
    try:
        with open_database(args.db, create=False) as db:
            record = db.accounts.by_name(args.name)
            if record is None:
                return fail(f"account '{args.name}': no such account")
            settings = dict(record.settings)
            if args.interval is not None:
                settings["interval"] = args.interval
            if args.probability_alert is not None:
                settings.pop(PROBABILITY_ALERT, None)
                if alert is not None:
                    settings[PROBABILITY_ALERT] = alert
            db.accounts.update(record.account_id, settings=settings)
    except StoreError as exc:
        return fail(str(exc))
    if args.interval is not None:
        print(f"{args.name}: refreshed every {args.interval:g} s")
    if args.probability_alert is not None:
        said = "off" if alert is None else f"alert at a {alert * 100:g} % chance"
        print(f"{args.name}: probability {said} of liquidation within 24 h")
    return 0


def run_list(args: argparse.Namespace) -> int:
    try:
        with open_database(args.db, create=False) as db:
            records = db.accounts.list()
    except StoreError as exc:
        return fail(str(exc))
    for record in records:
        where = record.settings.get("api_url") or (
            "sandbox" if record.settings.get("sandbox") else ""
        )
        print(f"{record.name}\t{record.kind}\t{record.venue or '-'}\t{where}".rstrip())
    return 0


def run_remove(args: argparse.Namespace) -> int:
    try:
        with open_database(args.db, create=False) as db:
            record = db.accounts.by_name(args.name)
            if record is None:
                return fail(f"no account named {args.name!r}")
            db.accounts.remove(record.account_id)
    except StoreError as exc:
        return fail(str(exc))
    from monitor.service.key_storage import forget

    try:
        done = forget(record.credentials_ref, record.settings)
    except vault.NoKeyring as exc:
        return fail(f"account removed, but its secrets could not be deleted: {exc}")
    except (OSError, ValueError) as exc:
        where = record.settings.get("credentials_file")
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not readable"
        return fail(
            f"account removed, but its entry in the credentials file {where} could not be "
            f"deleted ({reason}): remove the entry '{record.credentials_ref}' by hand"
        )
    print(f"removed {args.name}" + (f"; {done}" if done else ""))
    return 0
