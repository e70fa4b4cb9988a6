"""What each simulated account holds: wallets per margin asset and positions, in Binance's terms.

Positions carry Binance's fields (signed `amount` like `positionAmt`, `isolated_wallet` like
`isolatedWallet`, `position_side` like `positionSide`). A book is in one-way mode (one BOTH
position per symbol) or hedge mode (`hedge`, Binance's dualSidePosition: a LONG and a SHORT leg
per symbol), and in single-asset or multi-assets mode (`multi_assets`, Binance's
multiAssetsMargin). Binance's rules the book enforces: margin type is set per symbol, so both
hedge legs of a symbol are cross or both isolated; multi-assets mode is cross margin only
("What Is Multi-Assets Mode": "This new feature only supports the Cross Margin Mode").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from monitor.sources.sim.collateral import COLLATERAL_ASSETS

COLLATERAL = "USDT"  # the asset of `SimBook.wallet`
SIDES = ("BOTH", "LONG", "SHORT")


@dataclass(frozen=True)
class SimPosition:
    market: str  # exchange id, e.g. "BTCUSDT"
    amount: float  # signed base units: + long, - short (Binance's positionAmt)
    entry_price: float
    leverage: int
    isolated_wallet: float | None = None  # None: cross margin; in the market's quote asset
    position_side: str | None = None  # BOTH / LONG / SHORT; None: from the book's mode

    def __post_init__(self) -> None:
        if self.amount == 0 or self.entry_price <= 0 or self.leverage < 1:
            raise ValueError(f"{self.market}: amount must be non-zero, entry > 0, leverage >= 1")
        if self.isolated_wallet is not None and self.isolated_wallet <= 0:
            raise ValueError(f"{self.market}: an isolated wallet must be positive")
        if self.position_side is not None and self.position_side not in SIDES:
            raise ValueError(f"{self.market}: position_side must be one of {', '.join(SIDES)}")
        wrong = {"LONG": self.amount < 0, "SHORT": self.amount > 0}.get(self.position_side or "")
        if wrong:
            # Binance: a LONG leg's positionAmt is positive, a SHORT leg's negative.
            raise ValueError(f"{self.market}: a {self.position_side} leg needs that sign")

    @property
    def isolated(self) -> bool:
        return self.isolated_wallet is not None

    @property
    def side(self) -> str:
        """The position's positionSide ("BOTH" until a book has resolved it)."""
        return self.position_side or "BOTH"


@dataclass(frozen=True)
class SimBook:
    name: str
    wallet: float  # USDT cross wallet balance (crossWalletBalance; isolated wallets excluded)
    positions: tuple[SimPosition, ...]
    wallets: Mapping[str, float] = field(default_factory=dict)  # other assets: USDC, BTC
    multi_assets: bool = False  # Binance's multiAssetsMargin
    hedge: bool = False  # Binance's dualSidePosition

    def __post_init__(self) -> None:
        for asset in self.wallets:
            if asset == COLLATERAL or asset not in COLLATERAL_ASSETS:
                others = ", ".join(a for a in COLLATERAL_ASSETS if a != COLLATERAL)
                raise ValueError(
                    f"book {self.name!r}: wallets takes {others} (USDT is `wallet`), not {asset!r}"
                )
        object.__setattr__(self, "wallets", dict(self.wallets))
        resolved = tuple(replace(p, position_side=self._side_of(p)) for p in self.positions)
        object.__setattr__(self, "positions", resolved)
        keys = [(p.market, p.position_side) for p in resolved]
        if len(set(keys)) != len(keys):
            if self.hedge:
                raise ValueError(f"book {self.name!r}: one LONG and one SHORT leg per market")
            # One-way mode: Binance nets a symbol into a single BOTH position.
            raise ValueError(f"book {self.name!r}: one position per market in one-way mode")
        for market in {p.market for p in resolved}:
            if len({p.isolated for p in resolved if p.market == market}) > 1:
                raise ValueError(
                    f"book {self.name!r}: {market} legs must share one margin type "
                    "(Binance sets cross/isolated per symbol)"
                )
        if self.multi_assets and any(p.isolated for p in resolved):
            raise ValueError(f"book {self.name!r}: multi-assets mode is cross margin only")

    def _side_of(self, p: SimPosition) -> str:
        if not self.hedge:
            if p.position_side not in (None, "BOTH"):
                raise ValueError(f"{p.market}: {p.position_side} legs need a hedge-mode book")
            return "BOTH"
        if p.position_side == "BOTH":
            raise ValueError(f"{p.market}: a hedge-mode book takes LONG/SHORT legs, not BOTH")
        return p.position_side or ("LONG" if p.amount > 0 else "SHORT")

    @property
    def all_wallets(self) -> dict[str, float]:
        """Cross wallet balance per asset, USDT first."""
        return {COLLATERAL: self.wallet, **self.wallets}

    def scaled(self, name: str, factor: float) -> SimBook:
        """The same book with every size and wallet times `factor` (other sums; the health
        moves too, as the brackets' rates rise with notional)."""
        return SimBook(
            name,
            self.wallet * factor,
            tuple(
                replace(
                    p,
                    amount=p.amount * factor,
                    isolated_wallet=(
                        None if p.isolated_wallet is None else p.isolated_wallet * factor
                    ),
                )
                for p in self.positions
            ),
            {a: w * factor for a, w in self.wallets.items()},
            self.multi_assets,
            self.hedge,
        )


# A trader's book: net long across the majors in cross, two isolated side bets and a small
# cross short. Cross health starts near 10; a uniform fall of about 10 % liquidates the pool.
DEMO_BOOK = SimBook(
    name="demo",
    wallet=9_000.0,
    positions=(
        SimPosition("BTCUSDT", 1.2, 62_850.0, 50),
        SimPosition("ETHUSDT", 18.0, 3_080.0, 50),
        SimPosition("SOLUSDT", 250.0, 151.2, 25),
        SimPosition("XRPUSDT", -20_000.0, 0.545, 20),
        SimPosition("DOGEUSDT", 60_000.0, 0.149, 10, isolated_wallet=930.0),
        SimPosition("BNBUSDT", -12.0, 571.0, 5, isolated_wallet=1_400.0),
    ),
)
