"""`margin-monitor replay`: how today's book would have fared in a past crash.

The venue's 1-minute mark candles of the window are replayed as relative moves on today's
marks and book (service/crash_replay.py); per pool and isolated position it prints when the
book would first have reached warning, critical and 1.0 (time into the window and UTC time) and
its worst health, or `--json`.

Exit codes: 0 when every figure was computed — whatever they say: a replay is a what-if report,
and a book the crash would have liquidated is a finding, not a failure of the command (read
"liquidation" in the JSON to act on it); 3 when anything could not be computed (no candles for
the window, a bad flag, an unknown account) — never 0 on an unknown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.domain.model import Account, Thresholds, ThresholdsError
from monitor.domain.risk.replay import Replay
from monitor.service.crash_replay import PRESET_CRASHES, replay_window

FORMAT = "margin-monitor.replay/1"
EXIT_UNKNOWN = 3
LEVELS = (("warning", "warning"), ("critical", "critical"), ("liquidation", "liquidation (1.0)"))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("replay", help="replay a past crash on today's book")
    p.add_argument("--list", action="store_true", help="list the preset crashes and exit")
    p.add_argument("--crash", metavar="NAME", help="a preset crash (see --list)")
    p.add_argument("--from", dest="start", metavar="ISO", help="window start (UTC if no zone)")
    p.add_argument("--to", dest="end", metavar="ISO", help="window end (UTC if no zone)")
    p.add_argument("--account", metavar="NAME", help="a stored account (default: all)")
    p.add_argument("--portfolio", metavar="FILE", help="a portfolio file instead")
    p.add_argument(
        "--venue",
        metavar="ID",
        help="with --portfolio: the ccxt id whose candles to replay (e.g. binanceusdm)",
    )
    p.add_argument("--api-url", metavar="URL", help="with --venue: its REST base address")
    p.add_argument("--warning", type=float, default=2.0, help="with --portfolio (2.0)")
    p.add_argument("--critical", type=float, default=1.25, help="with --portfolio (1.25)")
    p.add_argument("--refresh", action="store_true", help="poll every stored account once first")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


@dataclass(frozen=True)
class Target:
    """One book to replay: its name, pools, thresholds and where its candles are read."""

    name: str
    pools: tuple[Account, ...]
    thresholds: Thresholds
    venue: str | None
    api_url: str | None


class Unknown(Exception):
    """The replay cannot be computed; the message names the flag or account at fault."""


def fail(message: str, as_json: bool) -> int:
    print(f"UNKNOWN: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"format": FORMAT, "error": message}, indent=2))
    return EXIT_UNKNOWN


def _instant(text: str, flag: str) -> int:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise Unknown(f"{flag}: not an ISO date or time: {text!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def window_of(args: argparse.Namespace) -> tuple[str, int, int]:
    """(name, start ms, end ms) from --crash or --from/--to."""
    if args.crash is not None:
        if args.start or args.end:
            raise Unknown("--crash: give a preset or --from/--to, not both")
        if args.crash not in PRESET_CRASHES:
            raise Unknown(
                f"--crash: unknown preset {args.crash!r} (presets: {', '.join(PRESET_CRASHES)})"
            )
        return (args.crash, *PRESET_CRASHES[args.crash])
    if not (args.start and args.end):
        raise Unknown("--crash NAME or both --from and --to are needed (--list: the presets)")
    start, end = _instant(args.start, "--from"), _instant(args.end, "--to")
    if end <= start:
        raise Unknown(f"--to: must be after --from ({args.end} <= {args.start})")
    return f"{args.start} .. {args.end}", start, end


def targets_of(args: argparse.Namespace) -> list[Target]:
    if args.portfolio:
        from monitor.formats.portfolio import PortfolioError, load_portfolio

        try:
            thresholds = Thresholds(warning=args.warning, critical=args.critical)
            accounts = load_portfolio(args.portfolio)
        except (PortfolioError, ThresholdsError) as exc:
            raise Unknown(str(exc)) from None
        return [Target(a.name, (a,), thresholds, args.venue, args.api_url) for a in accounts]
    import time

    from monitor.store import StoreError, open_database
    from monitor.store.portfolio_io import stored_accounts

    if args.refresh:
        from monitor.commands.check import _refresh_all

        failed = _refresh_all(args.db)
        if failed:
            raise Unknown(failed)
    try:
        with open_database(args.db, create=False) as db:
            books = stored_accounts(db, time.time())
    except StoreError as exc:
        raise Unknown(str(exc)) from None
    chosen = [b for b in books if args.account in (None, b.name)]
    if not chosen:
        names = ", ".join(b.name for b in books) or "none"
        raise Unknown(f"--account: no stored account {args.account!r} (accounts: {names})")
    return [Target(b.name, b.pools, b.thresholds, *b.market) for b in chosen]


def _at(start: int, minute: float | None) -> dict[str, Any] | None:
    if minute is None:
        return None
    when = datetime.fromtimestamp(start / 1000 + minute * 60, UTC)
    return {"minutes": minute, "at": when.isoformat()}


def _pool_name(target: Target, r: Replay) -> str:
    pool = next((p for p in target.pools if p.name == r.account), None)
    return (pool.collateral if pool is not None else None) or r.account


def pool_dict(target: Target, r: Replay, start: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "pool": _pool_name(target, r),
        "symbol": r.symbol,
        "margin_mode": "cross" if r.symbol is None else "isolated",
    }
    if r.reason:
        return {**out, "unknown": r.reason}
    for level, _ in LEVELS:
        out[level] = _at(start, r.minutes.get(level))
    out["worst_health"] = r.worst_health
    out["worst"] = _at(start, r.worst_minute)
    return out


def _span(start: int, minute: float) -> str:
    hours, minutes = divmod(int(minute), 60)
    clock = datetime.fromtimestamp(start / 1000 + minute * 60, UTC).strftime("%H:%M")
    return f"{hours} h {minutes:02d} min ({clock} UTC)"


def pool_words(target: Target, r: Replay, start: int) -> str:
    label = f"{target.name} {_pool_name(target, r)}"
    if r.symbol is not None:
        label += f" {r.symbol} (isolated)"
    if r.reason:
        return f"{label}: {r.reason}"
    parts = []
    for level, words in LEVELS:
        minute = r.minutes.get(level)
        parts.append(
            f"{words} never" if minute is None else f"{words} after {_span(start, minute)}"
        )
    if r.worst_health is not None and r.worst_minute is not None:
        parts.append(f"worst health {r.worst_health:.2f} after {_span(start, r.worst_minute)}")
    return f"{label}: " + "; ".join(parts)


def compute(targets: Sequence[Target], start: int, end: int) -> list[list[Replay]]:
    return [
        asyncio.run(replay_window(t.pools, t.thresholds, t.venue, t.api_url, start, end))
        for t in targets
    ]


def run(args: argparse.Namespace) -> int:
    if args.list:
        for name, (start, end) in PRESET_CRASHES.items():
            print(f"{name}: {_iso(start)} .. {_iso(end)}")
        return 0
    try:
        name, start, end = window_of(args)
        targets = targets_of(args)
    except Unknown as exc:
        return fail(str(exc), args.json)
    results = compute(targets, start, end)
    start = -(-start // 60_000) * 60_000  # the replay's first step: the window's first minute
    unknown = [r.reason for rs in results for r in rs if r.reason]
    if args.json:
        doc = {
            "format": FORMAT,
            "window": {"name": name, "start": _iso(start), "end": _iso(end)},
            "accounts": [
                {"account": t.name, "pools": [pool_dict(t, r, start) for r in rs]}
                for t, rs in zip(targets, results, strict=True)
            ],
        }
        print(json.dumps(doc, indent=2))
    else:
        print(f"Replay of {name}: {_iso(start)} .. {_iso(end)}, on today's marks and book")
        for t, rs in zip(targets, results, strict=True):
            if not rs:
                print(f"{t.name}: no positions")
            for r in rs:
                print(pool_words(t, r, start))
    if unknown:
        print(f"UNKNOWN: {unknown[0].removeprefix('unknown: ')}", file=sys.stderr)
        return EXIT_UNKNOWN
    return 0


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()
