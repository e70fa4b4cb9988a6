"""What one Unified Trading Account holds: its margin mode, coin balances and linear positions.

Margin mode is account-wide in the UTA (GET /v5/account/info marginMode: REGULAR_MARGIN is
cross for every derivatives position, ISOLATED_MARGIN makes every position isolated;
PORTFOLIO_MARGIN is not simulated). Position mode: positionIdx 0 is one-way, 1 and 2 are the
Buy and Sell legs of hedge mode (docs/v5/enum positionIdx).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

REGULAR_MARGIN = "REGULAR_MARGIN"
ISOLATED_MARGIN = "ISOLATED_MARGIN"
MARGIN_MODES = (REGULAR_MARGIN, ISOLATED_MARGIN)

# Bybit's base (non-VIP) derivatives rates: taker 0.055 %, maker 0.02 % — the taker rate is
# the one in the recorded LTCUSDT payload's fee-to-close (see reference.py).
BASE_TAKER = 0.00055
BASE_MAKER = 0.0002


@dataclass(frozen=True)
class BybitPosition:
    symbol: str  # Bybit id ("BTCUSDT", "BTCPERP")
    side: str  # "Buy" | "Sell"
    size: float  # base units, > 0
    avg_price: float
    leverage: float
    position_idx: int = 0  # 0 one-way; 1 hedge Buy leg; 2 hedge Sell leg
    # ISOLATED_MARGIN only: the position's margin (positionBalance). None: what opening it
    # took, initial margin at entry + fee to close (reference.isolated_initial_margin).
    margin: float | None = None

    def __post_init__(self) -> None:
        if self.side not in ("Buy", "Sell"):
            raise ValueError(f"{self.symbol}: side must be Buy or Sell, not {self.side!r}")
        if not (self.size > 0 and self.avg_price > 0 and self.leverage >= 1):
            raise ValueError(f"{self.symbol}: size and avg_price > 0, leverage >= 1")
        expected = {1: "Buy", 2: "Sell"}.get(self.position_idx, self.side)
        if self.position_idx not in (0, 1, 2) or expected != self.side:
            raise ValueError(
                f"{self.symbol}: positionIdx {self.position_idx} cannot hold a {self.side} leg"
            )
        if self.margin is not None and self.margin <= 0:
            raise ValueError(f"{self.symbol}: an isolated margin must be positive")

    @property
    def sign(self) -> int:
        return 1 if self.side == "Buy" else -1

    @property
    def ccxt_side(self) -> str:
        return "long" if self.side == "Buy" else "short"


@dataclass(frozen=True)
class BybitBook:
    coins: Mapping[str, float] = field(default_factory=dict)  # wallet balance per coin
    positions: tuple[BybitPosition, ...] = ()
    margin_mode: str = REGULAR_MARGIN
    taker_fee: float = BASE_TAKER  # the account's rate, served by /v5/account/fee-rate
    maker_fee: float = BASE_MAKER

    def __post_init__(self) -> None:
        if self.margin_mode not in MARGIN_MODES:
            raise ValueError(f"margin mode {self.margin_mode!r}: one of {MARGIN_MODES}")
        seen = set()
        for p in self.positions:
            key = (p.symbol, p.position_idx)
            if key in seen:
                raise ValueError(f"{p.symbol}: two positions at positionIdx {p.position_idx}")
            seen.add(key)
            if self.margin_mode == REGULAR_MARGIN and p.margin is not None:
                raise ValueError(f"{p.symbol}: a cross position has no isolated margin")
        modes = {p.symbol: p.position_idx == 0 for p in self.positions}
        for p in self.positions:
            if modes[p.symbol] != (p.position_idx == 0):
                raise ValueError(f"{p.symbol}: one-way and hedge legs cannot be mixed")

    @property
    def isolated(self) -> bool:
        return self.margin_mode == ISOLATED_MARGIN


# The demo account: USDT, USDC and BTC collateral, USDT and USDC perpetuals in the one cross
# pool, a hedged ETHUSDT (both legs, net short), a short in SOL.
DEMO_BOOK = BybitBook(
    coins={"USDT": 6_000.0, "USDC": 1_500.0, "BTC": 0.1},
    positions=(
        BybitPosition("BTCUSDT", "Buy", 0.4, 61_850.0, 10),
        BybitPosition("ETHUSDT", "Buy", 3.0, 3_310.0, 20, position_idx=1),
        BybitPosition("ETHUSDT", "Sell", 8.0, 3_452.5, 20, position_idx=2),
        BybitPosition("SOLUSDT", "Sell", 60.0, 143.2, 10),
        BybitPosition("BTCPERP", "Buy", 0.15, 63_120.0, 25),
        BybitPosition("ETHPERP", "Sell", 2.5, 3_520.0, 15),
    ),
)
