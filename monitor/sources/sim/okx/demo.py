"""A demo account on the simulated OKX venue, for `margin-monitor sim --venue okx`.

venue, url = serve()          # http://127.0.0.1:<port>, demo book under DEMO_CREDENTIALS
... point ccxt's okx at `url` with apiKey/secret/password = DEMO_CREDENTIALS ...
venue.stop()
"""

from __future__ import annotations

import math
import random

from monitor.sources.sim.okx.book import OkxBook, OkxPosition
from monitor.sources.sim.okx.venue import OkxCredentials, OkxVenue

# Plainly fake, fixed so the demo can be typed in by hand; valid nowhere but this venue.
DEMO_CREDENTIALS = OkxCredentials("sim-okx-key", "sim-okx-secret", "sim-okx-passphrase", "demo")

DEMO_MARKS: dict[str, float] = {
    "BTC-USDT-SWAP": 63_000.0,
    "ETH-USDT-SWAP": 3_100.0,
    "SOL-USDT-SWAP": 148.0,
    "BTC-USDC-SWAP": 63_010.0,
    "ETH-USDC-SWAP": 3_101.0,
}

# Long/short mode: cross positions across USDT and USDC, ETH-USDT-SWAP held both ways (a
# hedged instrument, one liqPx for both legs) and an isolated ETH-USDC long.
DEMO_BOOK = OkxBook(
    name="demo",
    cash={"USDT": 25_000.0, "USDC": 8_000.0},
    pos_mode="long_short_mode",
    positions=(
        OkxPosition("BTC-USDT-SWAP", 150, 62_000.0, 20, pos_side="long",
                    c_time_ms=1_717_000_000_000),
        OkxPosition("ETH-USDT-SWAP", 600, 3_050.0, 20, pos_side="long",
                    c_time_ms=1_717_100_000_000),
        OkxPosition("ETH-USDT-SWAP", 200, 3_120.0, 20, pos_side="short",
                    c_time_ms=1_717_200_000_000),
        OkxPosition("SOL-USDT-SWAP", 200, 150.0, 10, pos_side="short",
                    c_time_ms=1_717_300_000_000),
        OkxPosition("BTC-USDC-SWAP", 5_000, 61_500.0, 10, pos_side="long",
                    c_time_ms=1_717_400_000_000),
        OkxPosition("ETH-USDC-SWAP", 3_000, 3_000.0, 10, mgn_mode="isolated", margin=900.0,
                    pos_side="long", c_time_ms=1_717_500_000_000),
    ),
)  # fmt: skip


def demo_marks(seed: int = 0) -> dict[str, float]:
    """DEMO_MARKS exactly for seed 0; otherwise each moved by a seeded ~2 % lognormal step."""
    if seed == 0:
        return dict(DEMO_MARKS)
    rng = random.Random(seed)
    return {k: v * math.exp(rng.gauss(0.0, 0.02)) for k, v in DEMO_MARKS.items()}


def demo_venue(seed: int = 0) -> OkxVenue:
    venue = OkxVenue(demo_marks(seed))
    venue.add_book(
        DEMO_BOOK,
        DEMO_CREDENTIALS.api_key,
        DEMO_CREDENTIALS.secret,
        DEMO_CREDENTIALS.passphrase,
    )
    return venue


def serve(port: int = 0, seed: int = 0) -> tuple[OkxVenue, str]:
    """Start the demo venue on 127.0.0.1:`port` (0: any free port); returns (venue, url)."""
    venue = demo_venue(seed)
    return venue, venue.start(port)
