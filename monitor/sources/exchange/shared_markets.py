"""One loaded copy of a venue's markets for every ccxt instance that reads the same endpoint.

Each account has its own ccxt instance (its keys, its rate limiter, its session), and each
loaded the venue's markets for itself: the same exchangeInfo requested, parsed and held once
per account — a collector of 100 accounts held 100 copies (hundreds of MB) and parsed them all
at its start. Markets are public and the same for every account of a venue and endpoint, so
the first instance to load them lends its parsed tables (ccxt's set_markets_from_exchange: the
same dicts, nothing parsed again) to the others; instances that ask while it is loading wait for
it instead of asking the venue too. A copy older than MAX_AGE is not lent (a listing added
since reaches new readers); a failed load is not shared either: each instance then loads its
own, as before.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

MAX_AGE = 3600.0
# What ccxt's set_markets builds, and set_markets_from_exchange hands over.
_TABLES = (
    "markets",
    "markets_by_id",
    "symbols",
    "ids",
    "currencies",
    "currencies_by_id",
    "baseCurrencies",
    "quoteCurrencies",
    "codes",
)

# (exchange id, REST endpoints, keyed): with keys, some venues' loads read currencies too.
Key = tuple[str, str, bool]


@dataclass
class _Loaded:
    tables: Any  # a stand-in source exchange: the tables and the market helper options
    at: float


class SharedMarkets:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()  # readers on several event loops (threads) share it
        self._loaded: dict[Key, _Loaded] = {}
        self._loading: dict[Key, asyncio.Future[None]] = {}

    async def load(self, exchange: Any) -> None:
        """Markets into `exchange`: lent from an earlier load of the same endpoint, else its
        own load (which is lent to the next)."""
        if exchange.markets:
            return
        key = _key(exchange)
        loop = asyncio.get_running_loop()
        while True:
            with self._lock:
                loaded = self._loaded.get(key)
                if loaded is not None and self._clock() - loaded.at <= MAX_AGE:
                    exchange.set_markets_from_exchange(loaded.tables)
                    return
                pending = self._loading.get(key)
                if pending is None or pending.get_loop() is not loop:
                    mine: asyncio.Future[None] = loop.create_future()
                    self._loading[key] = mine
                    break
            try:
                await asyncio.shield(pending)  # another instance is loading them
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this read itself was cancelled
                await exchange.load_markets()  # that load was: this one loads its own
                return
            except Exception:
                await exchange.load_markets()  # that load failed: this one tries its own
                return
        try:
            await exchange.load_markets()
        except asyncio.CancelledError:
            mine.cancel()
            raise
        except BaseException as exc:
            mine.set_exception(exc)
            mine.exception()  # retrieved: nobody may be waiting
            raise
        else:
            with self._lock:
                self._loaded[key] = _Loaded(_tables(exchange), self._clock())
            mine.set_result(None)
        finally:
            with self._lock:
                if self._loading.get(key) is mine:
                    del self._loading[key]

    def clear(self) -> None:
        with self._lock:
            self._loaded.clear()


def _key(exchange: Any) -> Key:
    return (str(exchange.id), repr(exchange.urls.get("api")), bool(exchange.apiKey))


def _tables(exchange: Any) -> Any:
    tables = {name: getattr(exchange, name) for name in _TABLES}
    helpers = exchange.safe_list(exchange.options, "marketHelperProps", [])
    options = {"marketHelperProps": helpers}
    options.update({h: exchange.options[h] for h in helpers if h in exchange.options})
    return SimpleNamespace(id=exchange.id, options=options, **tables)


SHARED = SharedMarkets()  # the process's
