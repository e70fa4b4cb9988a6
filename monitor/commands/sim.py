"""`margin-monitor sim`: run a simulated venue (Binance USDⓈ-M, Bybit v5 unified or OKX v5)
until Ctrl-C or SIGTERM. The Binance venue also serves its websocket streams, and with
`--crash PCT_PER_MIN` plays a market crash: after `--crash-delay` seconds every mark falls
linearly at that pace down to `--crash-floor` % below its start, and stays there."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from monitor.sources.sim import DEMO_CREDENTIALS, SimVenue

EXIT_USAGE = 2
# How long the marks stay at the crash floor: far beyond any session (the walk never resumes).
CRASH_HOLD_S = 10 * 365 * 86_400.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sim", help="run a simulated venue on 127.0.0.1 (Binance, Bybit or OKX)")
    p.add_argument(
        "--venue",
        choices=("binanceusdm", "bybit", "okx"),
        default="binanceusdm",
        help="which venue to simulate (binanceusdm)",
    )
    p.add_argument("--port", type=int, default=8765, help="port to listen on (0: any; 8765)")
    p.add_argument(
        "--ws-port",
        type=int,
        help="Binance websocket streams port (0: any; default --port + 1, any if --port is 0)",
    )
    p.add_argument("--seed", type=int, default=0, help="random-walk seed (0)")
    p.add_argument("--tick", type=float, default=1.0, help="seconds between price steps (1.0)")
    p.add_argument(
        "--volatility", type=float, default=1.0, help="scale of the price moves (1.0: realistic)"
    )
    p.add_argument(
        "--crash",
        type=float,
        metavar="PCT_PER_MIN",
        help="Binance: every mark falls linearly at this many %% per minute",
    )
    p.add_argument(
        "--crash-delay",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="seconds before the crash starts, to connect a client (5)",
    )
    p.add_argument(
        "--crash-floor",
        type=float,
        default=50.0,
        metavar="PCT",
        help="how far below its start a mark falls, in %% (50)",
    )
    p.set_defaults(func=run)


def crash_path(pct_per_min: float, delay_s: float, floor_pct: float) -> list[tuple[float, float]]:
    """SimVenue.play_crash's script: flat for `delay_s`, then down `pct_per_min` % a minute
    to -`floor_pct` %, then flat."""
    floor = -floor_pct / 100.0
    bottom = delay_s + 60.0 * floor_pct / pct_per_min
    path = [(0.0, 0.0)] + ([(delay_s, 0.0)] if delay_s > 0 else [])
    return [*path, (bottom, floor), (bottom + CRASH_HOLD_S, floor)]


def _ws_port(args: argparse.Namespace) -> int:
    """--ws-port, else the port after --port (any free one when --port is 0)."""
    if args.ws_port is not None:
        return int(args.ws_port)
    return args.port + 1 if 0 < args.port < 65535 else 0


def _usage_error(args: argparse.Namespace) -> str | None:
    if not 0 <= args.port <= 65535 or not 0 <= _ws_port(args) <= 65535:
        return f"--port and --ws-port must be 0..65535, got {args.port} and {_ws_port(args)}"
    if not args.tick > 0 or args.volatility < 0:
        return "--tick must be > 0 and --volatility >= 0"
    if args.crash is None:
        return None
    if args.venue != "binanceusdm":
        return "--crash is played by the Binance venue only (--venue binanceusdm)"
    if not args.crash > 0 or not 0 < args.crash_floor < 100 or not args.crash_delay >= 0:
        return "--crash must be > 0, --crash-floor between 0 and 100, --crash-delay >= 0"
    return None


def run(args: argparse.Namespace) -> int:
    problem = _usage_error(args)
    if problem is not None:
        print(f"sim: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.venue != "binanceusdm":
        return _run_other(args)
    venue = SimVenue(seed=args.seed, volatility_scale=args.volatility)
    if args.crash is not None:
        venue.play_crash(crash_path(args.crash, args.crash_delay, args.crash_floor))
    port = args.port
    try:
        url = venue.start(port)
        port = _ws_port(args)
        ws_url = venue.start_stream(port)
    except OSError as exc:
        venue.stop()
        print(f"sim: cannot listen on 127.0.0.1:{port}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    venue.start_ticker(args.tick)
    print(f"Simulated Binance USDⓈ-M venue at {url}")
    print(f"  websocket streams at {ws_url} (mark prices; user data after POST /fapi/v1/listenKey)")
    print(f"  demo API key: {DEMO_CREDENTIALS.api_key}")
    print(f"  demo secret:  {DEMO_CREDENTIALS.secret}")
    if args.crash is not None:
        print(
            f"Crash: every mark falls {args.crash:g} %/min from {args.crash_delay:g} s after "
            f"start, down to -{args.crash_floor:g} %, and stays there"
        )
    print("Add it to Margin Monitor with:")
    print(
        f"  margin-monitor accounts add demo --exchange binanceusdm --api-url {url} "
        f"--ws-url {ws_url}"
    )
    print("Press Ctrl-C to stop.", flush=True)
    return _serve_until_signalled(venue)


def _run_other(args: argparse.Namespace) -> int:
    """Bybit and OKX stand-ins hold fixed marks (a new --seed shifts them); no random walk."""
    lines: list[str]
    venue: Any
    try:
        if args.venue == "bybit":
            from monitor.sources.sim.bybit import DEMO_CREDENTIALS as BYBIT
            from monitor.sources.sim.bybit import serve as bybit

            venue, url = bybit(args.port, args.seed)
            lines = [f"  demo API key: {BYBIT.api_key}", f"  demo secret:  {BYBIT.secret}"]
            name = "Bybit v5 (unified trading account)"
        else:
            from monitor.sources.sim.okx.demo import DEMO_CREDENTIALS as OKX
            from monitor.sources.sim.okx.demo import serve as okx

            venue, url = okx(args.port, args.seed)
            lines = [
                f"  demo API key:    {OKX.api_key}",
                f"  demo secret:     {OKX.secret}",
                f"  demo passphrase: {OKX.passphrase}",
            ]
            name = "OKX v5 (single-currency margin)"
    except OSError as exc:
        print(f"sim: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    try:
        ws_url = venue.start_stream(_ws_port(args))
    except OSError as exc:
        venue.stop()
        print(f"sim: cannot listen on 127.0.0.1:{_ws_port(args)}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Simulated {name} venue at {url}")
    print(f"  websocket streams at {ws_url} (mark prices; account changes once signed in)")
    print("\n".join(lines))
    print("Add it to Margin Monitor with (the secrets from the environment or a prompt):")
    print(
        f"  margin-monitor accounts add demo --exchange {args.venue} --api-url {url} "
        f"--ws-url {ws_url}"
    )
    print("Press Ctrl-C to stop.", flush=True)
    return _serve_until_signalled(venue)


def _serve_until_signalled(venue: Any) -> int:
    done = threading.Event()

    def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        while not done.wait(0.5):  # a timed wait so Ctrl-C is delivered promptly
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        venue.stop()
    print("sim: stopped", flush=True)
    return 0
