"""Read-only by construction: an exchange instance that cannot place, cancel, move or sign writes.

Two independent fences:
1. every unified write method (create*/cancel*/edit*/transfer/withdraw/set*/add*/reduce*/
   borrow*/repay*/close*/approve*, snake and camel case) is replaced on the instance by one that
   raises ReadOnlyViolation;
2. `request`/`fetch2` (which every implicit endpoint such as privatePostOrder goes through)
   refuse any non-GET call unless (api, path) is on the venue's explicit read allow-list — reads
   that a venue happens to do by POST, like Hyperliquid's /info. Hyperliquid's /exchange, the
   endpoint for every signed action, is therefore refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from monitor.sources.exchange.errors import ReadOnlyViolation

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

# Internal write-ish helpers that are not in `has` but sign or post actions (Hyperliquid).
EXTRA_WRITE_METHODS = (
    "approve_builder_fee",
    "handle_builder_fee_approval",
    "set_ref",
    "initialize_client",
    "sign_l1_action",
    "sign_user_signed_action",
)

# (api name, path) pairs that are reads despite a non-GET method.
POST_READ_ALLOW_LIST: dict[str, frozenset[tuple[str, str]]] = {
    "hyperliquid": frozenset({("public", "info")}),
}

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def is_write_name(name: str) -> bool:
    lowered = snake(name)
    return any(lowered == p or lowered.startswith(p + "_") for p in WRITE_PREFIXES)


def _refuser(exchange_id: str, name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ReadOnlyViolation(f"{exchange_id}: {name}() refused — Margin Monitor is read-only")

    return refuse


def _api_name(api: Any) -> str:
    return str(api[0] if isinstance(api, list | tuple) and api else api)


def make_read_only(exchange: Any) -> Any:
    """Fence `exchange` (a ccxt instance) in place and return it."""
    exchange_id = str(exchange.id)
    names = {n for n in exchange.has if is_write_name(n)}
    names |= {snake(n) for n in names}
    names |= set(ALWAYS_REFUSED) | set(EXTRA_WRITE_METHODS)
    for name in sorted(names):
        if hasattr(exchange, name):
            setattr(exchange, name, _refuser(exchange_id, name))

    allowed = POST_READ_ALLOW_LIST.get(exchange_id, frozenset())

    def check(path: str, api: Any, method: str) -> None:
        if str(method).upper() == "GET":
            return
        if (_api_name(api), str(path)) in allowed:
            return
        raise ReadOnlyViolation(
            f"{exchange_id}: {method} {_api_name(api)}/{path} refused — only reads are allowed"
        )

    original_fetch2 = exchange.fetch2

    async def guarded_fetch2(
        path: str, api: Any = "public", method: str = "GET", params: Any = None, config: Any = None
    ) -> Any:
        check(path, api, method)
        return await original_fetch2(path, api, method, params or {}, config or {})

    async def guarded_request(
        path: str, api: Any = "public", method: str = "GET", params: Any = None, config: Any = None
    ) -> Any:
        check(path, api, method)
        return await guarded_fetch2(path, api, method, params, config)

    exchange.fetch2 = guarded_fetch2
    exchange.request = guarded_request
    exchange.read_only_guarded = True
    return exchange
