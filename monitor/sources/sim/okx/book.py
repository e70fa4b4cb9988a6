"""What one simulated OKX account holds, in OKX's own terms.

- The account config of "Get account configuration" (https://www.okx.com/docs-v5/en/#trading-
  account-rest-api-get-account-configuration): `acctLv` "2" is the single-currency margin mode
  (now named "Futures mode"), the only mode modelled; `posMode` "net_mode" (one signed `pos` per
  instrument, posSide "net") or "long_short_mode" (posSide "long"/"short", `pos` positive).
- A cash balance per currency: `cashBal` of "Get balance". Our choice (the API docs are silent):
  it EXCLUDES the margin moved into isolated positions, as OKX's "Futures mode: cross margin
  trading" help page (https://www.okx.com/help/iii-single-currency-margin-cross-margin-trading)
  counts the currency's equity as balance + cross PnL + isolated margin + isolated PnL.
- Positions as "Get positions" reports them: `pos` in contracts, `avgPx`, `lever`, `mgnMode`
  and, for isolated, the position's `margin`.
- The account's trade fee rates as POSITIVE fractions charged; "Get fee rates" publishes them
  negated (https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-fee-rates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

POS_MODES = ("net_mode", "long_short_mode")


@dataclass(frozen=True)
class OkxPosition:
    inst_id: str  # e.g. "BTC-USDT-SWAP"
    pos: float  # contracts: signed in net_mode; positive in long_short_mode
    avg_px: float
    lever: float
    mgn_mode: str = "cross"  # "cross" | "isolated"
    margin: float | None = None  # isolated only: the position's margin (`margin`)
    pos_side: str = "net"  # "net" | "long" | "short"
    c_time_ms: int = 1_700_000_000_000

    def __post_init__(self) -> None:
        where = f"{self.inst_id} {self.pos_side} {self.mgn_mode}"
        if self.pos == 0 or not self.avg_px > 0 or not self.lever >= 1:
            raise ValueError(f"{where}: pos must be non-zero, avgPx > 0, lever >= 1")
        if self.pos_side not in ("net", "long", "short"):
            raise ValueError(f"{where}: posSide must be net, long or short")
        if self.pos_side != "net" and self.pos < 0:
            raise ValueError(f"{where}: in long_short_mode pos is positive")
        if self.mgn_mode == "cross" and self.margin is not None:
            raise ValueError(f"{where}: a cross position has no margin of its own")
        if self.mgn_mode == "isolated" and not (self.margin or 0) > 0:
            raise ValueError(f"{where}: an isolated position needs a positive margin")
        if self.mgn_mode not in ("cross", "isolated"):
            raise ValueError(f"{where}: mgnMode must be cross or isolated")

    @property
    def signed(self) -> float:
        """Contracts with the sign of the exposure (+ long, - short)."""
        return -self.pos if self.pos_side == "short" else self.pos

    @property
    def side(self) -> str:
        return "long" if self.signed > 0 else "short"

    @property
    def isolated(self) -> bool:
        return self.mgn_mode == "isolated"


@dataclass(frozen=True)
class FeeRates:
    """The account's rates for swaps, positive = charged. USDT-margined contracts pay the
    `takerU`/`makerU` rates, USDC-margined ones `takerUSDC`/`makerUSDC`; `taker`/`maker` are the
    (deprecated) crypto-margined rates."""

    taker_usdt: float = 0.0005
    maker_usdt: float = 0.0002
    taker_usdc: float = 0.0005
    maker_usdc: float = 0.0002
    taker_crypto: float = 0.0005
    maker_crypto: float = 0.0002

    def taker(self, settle: str) -> float:
        return {"USDT": self.taker_usdt, "USDC": self.taker_usdc}.get(settle, self.taker_crypto)

    def maker(self, settle: str) -> float:
        return {"USDT": self.maker_usdt, "USDC": self.maker_usdc}.get(settle, self.maker_crypto)


def _unit_usd() -> dict[str, float]:
    return {"USDT": 1.0, "USDC": 1.0}


@dataclass(frozen=True)
class OkxBook:
    name: str
    cash: Mapping[str, float]  # cashBal per currency, isolated margins excluded
    positions: tuple[OkxPosition, ...]
    pos_mode: str = "net_mode"
    acct_lv: str = "2"
    fees: FeeRates = field(default_factory=FeeRates)
    # USD price of each margin currency, for the USD figures (notionalUsd, eqUsd, totalEq).
    usd_px: Mapping[str, float] = field(default_factory=_unit_usd)

    def __post_init__(self) -> None:
        if self.acct_lv != "2":
            raise ValueError(f"book {self.name!r}: only acctLv 2 (single-currency) is modelled")
        if self.pos_mode not in POS_MODES:
            raise ValueError(f"book {self.name!r}: posMode must be one of {POS_MODES}")
        hedged = self.pos_mode == "long_short_mode"
        seen = set()
        for p in self.positions:
            if (p.pos_side != "net") != hedged:
                raise ValueError(
                    f"book {self.name!r}: {p.inst_id} posSide {p.pos_side!r} in {self.pos_mode}"
                )
            key = (p.inst_id, p.pos_side, p.mgn_mode)
            if key in seen:
                raise ValueError(f"book {self.name!r}: two positions {key}")
            seen.add(key)

    def usd(self, ccy: str) -> float:
        return float(self.usd_px.get(ccy, 1.0))
