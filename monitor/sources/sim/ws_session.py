"""One websocket connection to the simulated venue: its streams and its JSON requests.

"Live Subscribing/Unsubscribing to streams" (developers.binance.com/docs/derivatives/
usds-margined-futures/websocket-market-streams/Live-Subscribing-Unsubscribing-to-streams):
SUBSCRIBE / UNSUBSCRIBE answer {"result": null, "id": N}; LIST_SUBSCRIPTIONS answers the list;
SET_PROPERTY / GET_PROPERTY handle the one property, "combined" (false on /ws, true on
/stream). "The id used in the JSON payloads is an unsigned INT". Errors are the page's table
("code" 0: Unknown property, 1: Invalid value type, 2: Invalid request..., 3: Invalid JSON),
sent as {"error": {"code": c, "msg": m}, "id": N}, the shape ccxt.pro's handle_ws_error reads.
Combined stream events are wrapped as {"stream": "<streamName>", "data": <rawPayload>}.
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass
from typing import Any

from monitor.sources.sim.stream_names import InvalidStream, MarkStream, parse

Json = dict[str, Any]
METHODS = ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")


@dataclass
class Subscription:
    stream: MarkStream
    sent_at: float = -math.inf  # loop time of the last push
    version: int = -1  # the venue's mark version last pushed


class RequestError(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code, self.msg = code, msg


def _error(code: int, msg: str, request_id: object) -> Json:
    return {"error": {"code": code, "msg": msg}, "id": request_id}


class Session:
    """A connection's state; the server's pump writes what `due` and `outbox` hold."""

    def __init__(
        self, combined: bool, api_key: str | None = None, listen_key: str | None = None
    ) -> None:
        self.combined = combined
        self.api_key = api_key  # the account of a user data stream; None: market data only
        self.listen_key = listen_key
        self.subscriptions: dict[str, Subscription] = {}
        self.outbox: list[str] = []  # replies and account events, in order
        self.wake = asyncio.Event()
        self.expired = False  # listenKeyExpired already pushed

    # -- streams --------------------------------------------------------------------------

    def subscribe(self, names: list[str]) -> None:
        streams = [parse(n) for n in names]  # all or nothing
        for s in streams:
            self.subscriptions.setdefault(s.name, Subscription(s))

    def due(self, now: float, version: int) -> list[Subscription]:
        """Streams to push now: the marks moved since their last push, or their cadence is up."""
        return [
            s
            for s in self.subscriptions.values()
            if s.version != version or now - s.sent_at >= s.stream.period_s
        ]

    def seconds_to_due(self, now: float) -> float | None:
        dues = [s.sent_at + s.stream.period_s for s in self.subscriptions.values()]
        return max(0.0, min(dues) - now) if dues else None

    def frame(self, stream: str, payload: object) -> str:
        body = {"stream": stream, "data": payload} if self.combined else payload
        return json.dumps(body, separators=(",", ":"))

    # -- requests -------------------------------------------------------------------------

    def answer(self, text: str) -> Json:
        """The reply to one JSON request sent on the connection."""
        try:
            request = json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"at line {exc.lineno} column {exc.colno}"
            return _error(3, f"Invalid JSON: {exc.msg.lower()} {where}", None)
        if not isinstance(request, dict):
            return _error(2, "Invalid request: expected an object", None)
        request_id = request.get("id")
        try:
            if not isinstance(request_id, int) or isinstance(request_id, bool) or request_id < 0:
                raise RequestError(2, "Invalid request: request ID must be an unsigned integer")
            return {"result": self._run(request), "id": request_id}
        except RequestError as err:
            return _error(err.code, err.msg, request_id)

    def _run(self, request: Json) -> object:
        method, params = request.get("method"), request.get("params", [])
        if method is None:
            raise RequestError(2, "Invalid request: missing field `method`")
        if method not in METHODS:
            variants = ", ".join(f"`{m}`" for m in METHODS)
            raise RequestError(
                2, f"Invalid request: unknown variant `{method}`, expected one of {variants}"
            )
        if not isinstance(params, list):
            raise RequestError(2, "Invalid request: params must be an array")
        if method == "SUBSCRIBE":
            try:
                self.subscribe(params)
            except InvalidStream:
                raise RequestError(2, "Invalid request: invalid stream") from None
            return None
        if method == "UNSUBSCRIBE":
            for name in params:
                self.subscriptions.pop(name, None)
            return None
        if method == "LIST_SUBSCRIPTIONS":
            return list(self.subscriptions)
        return self._property(method, params)

    def _property(self, method: str, params: list[Any]) -> object:
        if not params or not isinstance(params[0], str):
            raise RequestError(2, "Invalid request: property name must be a string")
        if params[0] != "combined":
            raise RequestError(0, "Unknown property")
        if method == "GET_PROPERTY":
            return self.combined
        if len(params) != 2 or not isinstance(params[1], bool):
            raise RequestError(1, "Invalid value type: expected Boolean")
        self.combined = params[1]
        return None
