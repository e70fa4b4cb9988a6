"""Point real ccxt (async) okx at the simulated venue: ccxt's own signing, real HTTP."""

from __future__ import annotations

from typing import Any

import ccxt.async_support as ccxt_async

from monitor.sources.sim.okx.venue import OkxCredentials


def okx_at(url: str, credentials: OkxCredentials | None = None, **config: Any) -> Any:
    """An async ccxt okx whose REST host is `url` (ccxt's okx builds every request from
    urls['api']['rest']). Rate limiting is off unless `config` turns it on."""
    settings: dict[str, Any] = {"enableRateLimit": False, "timeout": 5_000}
    if credentials is not None:
        settings.update(
            apiKey=credentials.api_key, secret=credentials.secret, password=credentials.passphrase
        )
    settings.update(config)
    exchange = ccxt_async.okx(settings)
    exchange.urls["api"] = {"rest": url.rstrip("/")}
    # close() waits this long for TLS sockets to wind down; plain HTTP on loopback has none.
    exchange.timeout_on_exit = 0
    return exchange
