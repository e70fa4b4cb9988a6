"""`margin-monitor watch`: the same service and alert rules as the window, without one.

For a second machine or a server: prints every alert transition and sends the ringing ones to
webhooks; stops cleanly on SIGINT or SIGTERM.
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
        session = MonitorSession(args.db, demo=args.demo, webhooks=targets, create=args.demo)
    except StoreError as exc:
        print(f"margin-monitor watch: {exc}", file=sys.stderr)
        return EXIT_UNKNOWN
    session.service.subscribe(lambda _snapshot: None, on_event)
    session.start()
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
