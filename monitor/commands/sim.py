"""`margin-monitor sim`: run the simulated Binance USDⓈ-M venue until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from monitor.sources.sim import DEMO_CREDENTIALS, SimVenue

EXIT_USAGE = 2


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sim", help="run a simulated Binance USDⓈ-M venue on 127.0.0.1")
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


def _serve_until_signalled(venue: SimVenue) -> int:
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
