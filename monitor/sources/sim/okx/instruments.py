"""OKX perpetual swaps (linear, USDT- and USDC-margined) and their position tiers.

Instrument fields follow "Get instruments" (https://www.okx.com/docs-v5/en/#public-data-rest-api-
get-instruments): `ctVal` is the contract value in the base coin (`ctValCcy`), `pos`, `lotSz`,
`minSz` and the tier bands are counted in CONTRACTS. BTC-USDT-SWAP and ETH-USDT-SWAP copy the
instrument rows of OKX recorded in ccxt's test fixtures (ts/src/test/static/markets/okx.json,
MIT) except `lotSz`/`minSz`, which OKX has since cut to 0.01 contracts.

Position tiers follow "Get position tiers" (https://www.okx.com/docs-v5/en/#public-data-rest-
api-get-position-tiers): bands of contracts [minSz, maxSz], each with a maintenance margin rate
`mmr`, an initial margin rate `imr` and `maxLever`; a band starts one lot above the previous
band's maxSz. BTC-USDT-SWAP tiers 1-3 are OKX's published bands (0-1000 @ 0.4 %, 1000.01-5000
@ 0.5 %, 5000.01-20000 @ 0.75 %); the other rows and instruments are illustrative, shaped alike.
OKX publishes tiers per tdMode; the docs are silent on a difference for swaps and we serve the
same table for cross and isolated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OkxTier:
    tier: int
    min_sz: float  # contracts
    max_sz: float  # contracts, inclusive
    mmr: float  # maintenance margin rate
    imr: float  # initial margin rate
    max_lever: float


@dataclass(frozen=True)
class OkxInstrument:
    inst_id: str  # e.g. "BTC-USDT-SWAP"
    ct_val: float  # base coin per contract
    tick_sz: float
    lot_sz: float
    lever: float  # the instrument's maximum leverage
    tiers: tuple[OkxTier, ...]
    list_time_ms: int = 1611916828000

    def __post_init__(self) -> None:
        _base, quote, kind = self.inst_id.split("-")
        if kind != "SWAP" or quote not in ("USDT", "USDC"):
            raise ValueError(f"{self.inst_id}: only linear USDT/USDC perpetual swaps are modelled")
        if not self.tiers or self.tiers[0].min_sz != 0:
            raise ValueError(f"{self.inst_id}: tiers must start at 0 contracts")

    @property
    def base(self) -> str:
        return self.inst_id.split("-")[0]

    @property
    def settle(self) -> str:
        """Settlement and margin currency: the quote of a linear swap."""
        return self.inst_id.split("-")[1]

    @property
    def inst_family(self) -> str:
        return f"{self.base}-{self.settle}"

    @property
    def symbol(self) -> str:
        """ccxt's unified symbol, e.g. "BTC/USDT:USDT"."""
        return f"{self.base}/{self.settle}:{self.settle}"

    def tier_for(self, contracts: float) -> OkxTier:
        """The band holding |contracts|: ONE rate for the whole position, no deduction."""
        size = abs(contracts)
        for tier in self.tiers:
            if size <= tier.max_sz:
                return tier
        raise ValueError(
            f"{self.inst_id}: {size} contracts exceed the largest tier ({self.tiers[-1].max_sz})"
        )


def bands(
    lot: float, caps: Sequence[float], mmrs: Sequence[float], imrs: Sequence[float],
    levers: Sequence[float],
) -> tuple[OkxTier, ...]:  # fmt: skip
    """Tiers from band caps: tier n covers (cap[n-1] + one lot) .. cap[n]."""
    tiers = []
    floor = 0.0
    for i, (cap, mmr, imr, lever) in enumerate(zip(caps, mmrs, imrs, levers, strict=True)):
        tiers.append(OkxTier(i + 1, floor, cap, mmr, imr, lever))
        floor = round(cap + lot, 10)
    return tuple(tiers)


LEVERS = (100.0, 66.66, 50.0, 40.0, 33.33)
IMRS = (0.01, 0.015, 0.02, 0.025, 0.03)
MAJOR_MMRS = (0.004, 0.005, 0.0075, 0.01, 0.015)

INSTRUMENTS: tuple[OkxInstrument, ...] = (
    OkxInstrument(
        "BTC-USDT-SWAP", 0.01, 0.1, 0.01, 100,
        bands(0.01, (1000, 5000, 20000, 40000, 60000), MAJOR_MMRS, IMRS, LEVERS),
    ),
    OkxInstrument(
        "ETH-USDT-SWAP", 0.1, 0.01, 0.01, 100,
        bands(0.01, (5000, 30000, 100000, 200000, 300000), MAJOR_MMRS, IMRS, LEVERS),
    ),
    OkxInstrument(
        "SOL-USDT-SWAP", 1, 0.01, 0.01, 50,
        bands(0.01, (10000, 50000, 100000), (0.01, 0.015, 0.02), (0.02, 0.025, 0.03),
              (50.0, 40.0, 33.33)),
    ),
    OkxInstrument(
        "BTC-USDC-SWAP", 0.0001, 0.1, 0.01, 100,
        bands(0.01, (100000, 500000, 2000000), MAJOR_MMRS[:3], IMRS[:3], LEVERS[:3]),
    ),
    OkxInstrument(
        "ETH-USDC-SWAP", 0.001, 0.01, 0.01, 100,
        bands(0.01, (500000, 3000000, 10000000), MAJOR_MMRS[:3], IMRS[:3], LEVERS[:3]),
    ),
)  # fmt: skip


def instrument_by_id(instruments: Sequence[OkxInstrument], inst_id: str) -> OkxInstrument:
    for inst in instruments:
        if inst.inst_id == inst_id:
            return inst
    known = ", ".join(i.inst_id for i in instruments)
    raise KeyError(f"no instrument {inst_id!r} (known: {known})")
