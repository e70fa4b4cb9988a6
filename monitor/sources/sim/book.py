"""What each simulated account holds: a USDT cross wallet and one-way positions.

Positions are in Binance's terms (signed `amount` like `positionAmt`, `isolated_wallet` like
`isolatedWallet`); `to_account` turns a book into the engine's Account at given marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.domain import Account, MarginMode, Position, Side
from monitor.sources.sim.markets import SimMarket

VENUE_ID = "binanceusdm"
COLLATERAL = "USDT"


@dataclass(frozen=True)
class SimPosition:
    market: str  # exchange id, e.g. "BTCUSDT"
    amount: float  # signed base units: + long, - short (Binance's positionAmt)
    entry_price: float
    leverage: int
    isolated_wallet: float | None = None  # None: cross margin

    def __post_init__(self) -> None:
        if self.amount == 0 or self.entry_price <= 0 or self.leverage < 1:
            raise ValueError(f"{self.market}: amount must be non-zero, entry > 0, leverage >= 1")
        if self.isolated_wallet is not None and self.isolated_wallet <= 0:
            raise ValueError(f"{self.market}: an isolated wallet must be positive")

    @property
    def isolated(self) -> bool:
        return self.isolated_wallet is not None


@dataclass(frozen=True)
class SimBook:
    name: str
    wallet: float  # cross wallet balance, USDT
    positions: tuple[SimPosition, ...]

    def __post_init__(self) -> None:
        markets = [p.market for p in self.positions]
        if len(set(markets)) != len(markets):
            # One-way mode: Binance nets a symbol into a single BOTH position.
            raise ValueError(f"book {self.name!r}: one position per market in one-way mode")

    def scaled(self, name: str, factor: float) -> SimBook:
        """The same book with every size and wallet times `factor` (same health, other sums)."""
        return SimBook(
            name,
            self.wallet * factor,
            tuple(
                SimPosition(
                    p.market,
                    p.amount * factor,
                    p.entry_price,
                    p.leverage,
                    None if p.isolated_wallet is None else p.isolated_wallet * factor,
                )
                for p in self.positions
            ),
        )


def to_account(
    book: SimBook,
    markets: Mapping[str, SimMarket],
    marks: Mapping[str, float],
    reported_liquidation: Mapping[str, float | None] | None = None,
) -> Account:
    """The engine's Account for `book` at `marks` (by market id)."""
    positions = []
    for p in book.positions:
        market = markets[p.market]
        positions.append(
            Position(
                symbol=market.symbol,
                side=Side.LONG if p.amount > 0 else Side.SHORT,
                contracts=abs(p.amount),
                entry_price=p.entry_price,
                mark_price=marks[p.market],
                maintenance=market.maintenance,
                margin_mode=MarginMode.ISOLATED if p.isolated else MarginMode.CROSS,
                isolated_margin=p.isolated_wallet,
                leverage=float(p.leverage),
                exchange_liquidation_price=(
                    None if reported_liquidation is None else reported_liquidation[p.market]
                ),
            )
        )
    return Account(
        name=book.name,
        wallet_balance=book.wallet,
        positions=tuple(positions),
        venue=VENUE_ID,
        collateral=COLLATERAL,
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
