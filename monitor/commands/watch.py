"""`margin-monitor watch`: the same service and alert rules as the window, without one.

For a second machine or a server: prints every alert transition and sends the ringing ones to
webhooks; stops cleanly on SIGINT or SIGTERM. With --collector, one of several sharing a
database: it runs only the accounts its leases hold (each account held by one collector; a
dead collector's accounts move to the others within two lease periods), claims every alert in
the database before sending it (sent once, whichever collector sees it), and tells viewer
windows what it wrote (PostgreSQL's NOTIFY).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from types import FrameType

EXIT_UNKNOWN = 3  # nothing can be watched: the database is missing or unusable


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "watch",
        help="monitor without a window: print alerts and send webhooks",
        description="Run the monitoring service headless. Webhooks: --webhook json=URL, "
        "ntfy=TOPIC_URL, slack=URL, discord=URL or telegram=TOKEN@CHAT_ID (repeatable).",
    )
    p.add_argument("--webhook", action="append", default=[], metavar="KIND=URL")
    p.add_argument("--telegram-api", default=None, help="Telegram Bot API base URL")
    p.add_argument("--demo", action="store_true", help="also watch the simulated demo account")
    p.add_argument(
        "--quiet", action="store_true", help="print only alerts that ring, not every transition"
    )
    p.add_argument(
        "--collector",
        action="store_true",
        help="share the accounts with other collectors on this database (leases) and send "
        "each alert once among them",
    )
    p.add_argument(
        "--lease-seconds",
        type=float,
        default=None,
        metavar="S",
        help="collector: how long a lease lasts unrenewed (renewed every third of it); a dead "
        "collector's accounts move within 1⅓ of it (default 2)",
    )
    p.set_defaults(func=run)


def _line(event: object, quiet: bool) -> str | None:
    from monitor.domain.alerts import AlertEvent

    alert = getattr(event, "payload", None)
    if not isinstance(alert, AlertEvent):
        return f"{time.strftime('%Y-%m-%d %H:%M:%S')} {event.kind}: {event.message}"  # type: ignore[attr-defined]
    if quiet and not alert.notify:
        return None
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(alert.at))
    bell = "!" if alert.notify else " "
    return f"{stamp} {bell} {alert.kind.value:<22} {alert.level.label:<11} {alert.message}"


def run(args: argparse.Namespace) -> int:
    from monitor.service.heap import settle_heap
    from monitor.service.notify import TELEGRAM_API
    from monitor.service.session import MonitorSession
    from monitor.service.webhook_config import targets as configured
    from monitor.store import StoreError

    try:
        # The saved webhooks (keyring), MARGIN_MONITOR_WEBHOOKS, and this run's --webhook.
        targets = configured(args.webhook, args.telegram_api or TELEGRAM_API)
    except ValueError as exc:
        print(f"margin-monitor watch: {exc}", file=sys.stderr)
        return 2
    lease = args.lease_seconds
    if lease is not None and not (args.collector and 0.3 <= lease <= 300):
        print("margin-monitor watch: --lease-seconds: 0.3-300, with --collector", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    print_lock = threading.Lock()

    def on_event(event: object) -> None:
        line = _line(event, args.quiet)
        if line is not None:
            with print_lock:
                print(line, flush=True)

    try:
        # Only --demo may make a database (for its demo account); else a typo in --db would
        # watch an empty new one and say nothing.
        session = MonitorSession(
            args.db,
            demo=args.demo,
            webhooks=targets,
            create=args.demo,
            collector=args.collector,
            risk=None,  # the odds are worked out only for an account's probability alert
            **({} if lease is None else {"lease_seconds": lease}),
        )
    except StoreError as exc:
        print(f"margin-monitor watch: {exc}", file=sys.stderr)
        return EXIT_UNKNOWN
    session.service.subscribe(lambda _snapshot: None, on_event)
    session.start()
    settle_heap()  # the service is built: see heap.py
    if session.leases is None and session.db.leases.live_collectors(time.time()):
        print(
            "margin-monitor watch: collectors are running on this database; this watch polls "
            "and alerts on its own beside them (use --collector to share the accounts)",
            file=sys.stderr,
        )
    if session.leases is not None:
        count = len(session.db.accounts.list())
        print(
            f"collecting as {session.leases.holder}: a share of {count} account(s); "
            f"{len(targets)} webhook(s); Ctrl-C to stop",
            flush=True,
        )
    else:
        names = ", ".join(a.name for a in session.db.accounts.list()) or "no accounts"
        print(f"watching {names}; {len(targets)} webhook(s); Ctrl-C to stop", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        session.stop()  # delivers what the webhooks still have queued, for up to 10 s
    if session.webhooks.failures:
        print("webhooks not delivered: " + "; ".join(session.webhooks.failures), file=sys.stderr)
    return 0
