"""`margin-monitor webhooks`: the webhooks alerts ring, for the window and `watch` alike."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "webhooks",
        help="add, list or remove the webhooks alerts are sent to",
        description="KIND=URL with KIND json, ntfy, slack or discord, or telegram=TOKEN@CHAT_ID. "
        "Kept in the OS keyring (a webhook URL is a secret); MARGIN_MONITOR_WEBHOOKS adds more "
        "for one run.",
    )
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="send alerts to this webhook too")
    add.add_argument("entry", metavar="KIND=URL")
    add.set_defaults(func=run_add)
    actions.add_parser("list", help="the webhooks (kind and host only)").set_defaults(func=run_list)
    remove = actions.add_parser("remove", help="stop sending to a webhook")
    remove.add_argument("number", type=int, help="its number in `webhooks list`")
    remove.set_defaults(func=run_remove)


def _fail(message: str) -> int:
    print(f"margin-monitor webhooks: {message}", file=sys.stderr)
    return 2


def run_add(args: argparse.Namespace) -> int:
    from monitor.service import webhook_config
    from monitor.sources.exchange.credentials import NoKeyring

    try:
        webhook_config.save([*webhook_config.stored(), args.entry])
    except ValueError as exc:
        return _fail(str(exc))
    except NoKeyring:
        return _fail(
            "no OS keyring is available here, and a webhook URL is a secret the database must "
            f"not hold: set {webhook_config.ENV}='KIND=URL ...' for each run, or pass "
            "--webhook to `watch`"
        )
    print("added")
    return 0


def _shown(entry: str) -> str:
    kind, _, rest = entry.partition("=")
    if kind == "telegram":
        return "telegram (bot token hidden)"
    host = rest.split("/")[2] if rest.count("/") >= 2 else "?"
    host = host.rpartition("@")[2]  # a user:password before the host is as secret as the path
    return f"{kind} → {host} (path hidden)"


def run_list(_args: argparse.Namespace) -> int:
    from monitor.service import webhook_config

    entries = webhook_config.stored()
    for i, entry in enumerate(entries, 1):
        print(f"{i}. {_shown(entry)}")
    if not entries:
        print("no webhooks saved")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from monitor.service import webhook_config
    from monitor.sources.exchange.credentials import NoKeyring

    entries = webhook_config.stored()
    if not 1 <= args.number <= len(entries):
        return _fail(f"no webhook number {args.number} (see `webhooks list`)")
    del entries[args.number - 1]
    try:
        webhook_config.save(entries)
    except NoKeyring as exc:
        return _fail(str(exc))
    print("removed")
    return 0
