"""The market streams the simulated venue serves, by Binance's stream names.

"Mark Price Stream": `<symbol>@markPrice` (every 3000 ms) or `<symbol>@markPrice@1s` (every
1000 ms); "Mark Price Stream for All market": `!markPrice@arr` / `!markPrice@arr@1s`, an array
of every symbol's event (developers.binance.com/docs/derivatives/usds-margined-futures/
websocket-market-streams/Mark-Price-Stream and .../Mark-Price-Stream-for-All-market). "All
symbols for streams are lowercase" (".../websocket-market-streams", Connect).

Beyond its cadence the venue also pushes every mark stream as soon as its marks move (its
ticker, set_marks, shift_all, step), so a client sees a change at once.
"""

from __future__ import annotations

from dataclasses import dataclass

FAST_SUFFIX = "@1s"
SLOW_PERIOD_S = 3.0  # <symbol>@markPrice: "Update Speed: 3000ms"
FAST_PERIOD_S = 1.0  # <symbol>@markPrice@1s: "Update Speed: 1000ms"
ALL_MARKETS = "!markPrice@arr"
ONE_MARKET = "@markPrice"


class InvalidStream(ValueError):
    """A name that is no stream the venue serves."""


@dataclass(frozen=True)
class MarkStream:
    name: str  # as subscribed, e.g. "btcusdt@markPrice@1s"
    market_id: str | None  # "BTCUSDT"; None: every market (!markPrice@arr)
    period_s: float

    @property
    def every_market(self) -> bool:
        return self.market_id is None


def parse(name: str) -> MarkStream:
    """The mark stream `name` stands for; InvalidStream for anything else.

    A well-formed name for a symbol the venue does not list is accepted and stays silent (the
    docs say nothing of unknown symbols; this is the simulation's choice, as it is to answer
    streams it does not serve, e.g. depth or trades, with Binance's "invalid stream" error).
    """
    if not isinstance(name, str):
        raise InvalidStream(name)
    base, fast = (name[: -len(FAST_SUFFIX)], True) if name.endswith(FAST_SUFFIX) else (name, False)
    period = FAST_PERIOD_S if fast else SLOW_PERIOD_S
    if base == ALL_MARKETS:
        return MarkStream(name, None, period)
    symbol, sep, rest = base.partition("@")
    if not sep or "@" + rest != ONE_MARKET or not symbol or symbol != symbol.lower():
        raise InvalidStream(name)
    return MarkStream(name, symbol.upper(), period)
