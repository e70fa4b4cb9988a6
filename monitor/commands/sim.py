"""`margin-monitor sim`: run a simulated venue (Binance USDⓈ-M, Bybit v5 unified or OKX v5)
until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from monitor.sources.sim import DEMO_CREDENTIALS, SimVenue

EXIT_USAGE = 2


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sim", help="run a simulated venue on 127.0.0.1 (Binance, Bybit or OKX)")
    p.add_argument(
        "--venue",
        choices=("binanceusdm", "bybit", "okx"),
        default="binanceusdm",
        help="which venue to simulate (binanceusdm)",
    )
    p.add_argument("--port", type=int, default=8765, help="port to listen on (0: any; 8765)")
    p.add_argument("--seed", type=int, default=0, help="random-walk seed (0)")
    p.add_argument("--tick", type=float, default=1.0, help="seconds between price steps (1.0)")
    p.add_argument(
        "--volatility", type=float, default=1.0, help="scale of the price moves (1.0: realistic)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        print(f"sim: --port must be 0..65535, got {args.port}", file=sys.stderr)
        return EXIT_USAGE
    if not args.tick > 0 or args.volatility < 0:
        print("sim: --tick must be > 0 and --volatility >= 0", file=sys.stderr)
        return EXIT_USAGE
    if args.venue != "binanceusdm":
        return _run_other(args)
    venue = SimVenue(seed=args.seed, volatility_scale=args.volatility)
    try:
        url = venue.start(args.port)
    except OSError as exc:
        print(f"sim: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    venue.start_ticker(args.tick)
    print(f"Simulated Binance USDⓈ-M venue at {url}")
    print(f"  demo API key: {DEMO_CREDENTIALS.api_key}")
    print(f"  demo secret:  {DEMO_CREDENTIALS.secret}")
    print("Add it to Margin Monitor with:")
    print(f"  margin-monitor accounts add demo --exchange binanceusdm --api-url {url}")
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
    print(f"Simulated {name} venue at {url}")
    print("\n".join(lines))
    print("Add it to Margin Monitor with (the secrets from the environment or a prompt):")
    print(f"  margin-monitor accounts add demo --exchange {args.venue} --api-url {url}")
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
