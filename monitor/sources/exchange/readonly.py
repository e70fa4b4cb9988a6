"""Read-only by construction: an exchange instance that cannot place, cancel, move or sign writes.

Two independent fences, both allow-lists per venue (readonly_endpoints.py):
1. names: every ccxt unified method (every key of `exchange.has`, snake and camel case, the
   ccxt.pro `*_ws` ones included) that is not one of the reads the readers make is replaced on
   the instance by one that raises ReadOnlyViolation; so are the write-named coroutines that
   `has` does not list (create_orders_ws, withdraw_ws, transfer_in, set_ref, ...) and the
   signing helpers;
2. endpoints: `request`/`fetch2`, which every implicit endpoint (privatePostOrder, ...) and
   every unified method goes through, refuse any (api, method, path) not on the venue's list —
   GET included: dYdX broadcasts signed transactions by GET (nodeRpc broadcast_tx_sync), and
   Hyperliquid reads by POST (/info) while it signs every action at /exchange.
A refusal happens before a request is built, signed or throttled: nothing leaves.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from monitor.sources.exchange.errors import ReadOnlyViolation
from monitor.sources.exchange.readonly_endpoints import endpoints, read_methods

WRITE_PREFIXES = (
    "create",
    "cancel",
    "edit",
    "transfer",
    "withdraw",
    "set",
    "add",
    "reduce",
    "borrow",
    "repay",
    "close",
    "approve",
    "upgrade",
)

# Always refused, whatever `has` claims (the read-only test calls these on every venue).
ALWAYS_REFUSED = (
    "create_order",
    "cancel_order",
    "edit_order",
    "transfer",
    "withdraw",
    "set_leverage",
    "set_margin_mode",
    "add_margin",
    "reduce_margin",
)

# Helpers that sign or post actions but are neither in `has` nor write-named coroutines.
EXTRA_WRITE_METHODS = (
    "approve_builder_fee",
    "handle_builder_fee_approval",
    "set_ref",
    "initialize_client",
    "sign_l1_action",
    "sign_user_signed_action",
    "sign_dydx_tx",
    "sign_onboarding_action",
)

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_MAX_PATH = 120


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def is_write_name(name: str) -> bool:
    lowered = snake(name)
    return any(lowered == p or lowered.startswith(p + "_") for p in WRITE_PREFIXES)


def _flat(name: str) -> str:
    """createOrder, create_order -> createorder; fetchOHLCV, fetch_ohlcv -> fetchohlcv."""
    return name.replace("_", "").lower()


def _refuser(exchange_id: str, name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ReadOnlyViolation(f"{exchange_id}: {name}() refused — Margin Monitor is read-only")

    return refuse


_REFUSED: dict[tuple[type, frozenset[str], frozenset[str]], frozenset[str]] = {}


def _refused_names(cls: type, has_keys: frozenset[str], reads: frozenset[str]) -> frozenset[str]:
    """The attributes of `cls` to replace: unified methods off the read list, write-named
    coroutines, the explicit lists. close()/close_*() without a `has` key are the session's
    teardown (close_position and close_all_positions are in `has`). Kept per class."""
    key = (cls, has_keys, reads)
    if key not in _REFUSED:
        unified = {_flat(k) for k in has_keys}
        kept = {_flat(r) for r in reads}
        names = {n for n in dir(cls) if not n.startswith("_") and _flat(n) not in kept}
        _REFUSED[key] = frozenset(
            {n for n in names if _is_method(cls, n) and _refused(cls, n, unified)}
            | {n for n in (*ALWAYS_REFUSED, *EXTRA_WRITE_METHODS) if hasattr(cls, n)}
        )
    return _REFUSED[key]


def _is_method(cls: type, name: str) -> bool:
    """Implicit endpoints are descriptors, not methods: their endpoint fences them."""
    static = inspect.getattr_static(cls, name, None)
    return callable(static) or isinstance(static, staticmethod | classmethod)


def _refused(cls: type, name: str, unified: set[str]) -> bool:
    if _flat(name) in unified:
        return True
    writes = is_write_name(name) and not snake(name).startswith("close")
    return writes and inspect.iscoroutinefunction(getattr(cls, name))


def api_name(api: Any) -> str:
    """ccxt's api argument as one string: ["public", "futures"] -> "public/futures"."""
    if isinstance(api, list | tuple):
        return "/".join(str(part) for part in api)
    return str(api)


def _shown_path(path: Any) -> str:
    """The path template for a message: never a query string (it may carry a signature)."""
    text = str(path).split("?", 1)[0]
    return text if len(text) <= _MAX_PATH else text[:_MAX_PATH] + "…"


def make_read_only(exchange: Any) -> Any:
    """Fence `exchange` (a ccxt async or ccxt.pro instance) in place and return it."""
    exchange_id = str(exchange.id)
    streaming = exchange.has.get("ws") is True  # ccxt.pro: the streams' instances
    reads = read_methods(exchange_id, streaming)
    allowed = endpoints(exchange_id, streaming)
    for name in sorted(_refused_names(type(exchange), frozenset(exchange.has), reads)):
        setattr(exchange, name, _refuser(exchange_id, name))

    def check(path: Any, api: Any, method: Any) -> None:
        verb = str(method).upper()
        if (api_name(api), verb, str(path)) in allowed:
            return
        raise ReadOnlyViolation(
            f"{exchange_id}: {verb} {api_name(api)}/{_shown_path(path)} refused — not one of "
            "the reads Margin Monitor makes"
        )

    original_fetch2, original_request = exchange.fetch2, exchange.request

    async def guarded_fetch2(
        path: str, api: Any = "public", method: str = "GET", params: Any = None, config: Any = None
    ) -> Any:
        check(path, api, method)
        return await original_fetch2(path, api, method, params or {}, config or {})

    async def guarded_request(
        path: str, api: Any = "public", method: str = "GET", params: Any = None, config: Any = None
    ) -> Any:
        # The venue's own request (Binance keeps a flag there) calls self.fetch2: guarded too.
        check(path, api, method)
        return await original_request(path, api, method, params or {}, config or {})

    exchange.fetch2 = guarded_fetch2
    exchange.request = guarded_request
    exchange.read_only_guarded = True
    return exchange
