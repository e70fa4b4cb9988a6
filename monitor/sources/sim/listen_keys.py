"""User data stream listen keys, as Binance USDⓈ-M hands them out.

"User Data Streams" Connect (developers.binance.com/docs/derivatives/usds-margined-futures/
user-data-streams): a listenKey "is valid for 60 minutes after creation"; "Doing a POST on an
account with an active listenKey will return the currently active listenKey and extend its
validity for 60 minutes"; a PUT extends it too. POST/PUT /fapi/v1/listenKey are USER_STREAM
endpoints: the API key header, no signature ("Start User Data Stream", "Keepalive User Data
Stream").
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from collections.abc import Callable

VALIDITY_S = 60 * 60.0
KEY_LENGTH = 64  # the docs' examples are 64 letters and digits
_ALPHABET = string.ascii_letters + string.digits


class ListenKeys:
    """One active listen key per account (API key); thread-safe."""

    def __init__(
        self, validity_s: float = VALIDITY_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._validity_s = validity_s
        self._clock = clock
        self._lock = threading.Lock()
        self._by_account: dict[str, str] = {}
        self._accounts: dict[str, tuple[str, float]] = {}  # listen key -> (API key, expiry)

    def open(self, api_key: str) -> str:
        """The account's active listen key, its validity extended; a new one if it has none."""
        with self._lock:
            key = self._by_account.get(api_key)
            if key is None or self._expired(key):
                key = "".join(secrets.choice(_ALPHABET) for _ in range(KEY_LENGTH))
                self._by_account[api_key] = key
            self._accounts[key] = (api_key, self._clock() + self._validity_s)
            return key

    def account(self, listen_key: str) -> str | None:
        """The API key behind an active listen key; None if unknown or expired."""
        with self._lock:
            if listen_key not in self._accounts or self._expired(listen_key):
                return None
            return self._accounts[listen_key][0]

    def _expired(self, listen_key: str) -> bool:
        return self._accounts[listen_key][1] <= self._clock()
