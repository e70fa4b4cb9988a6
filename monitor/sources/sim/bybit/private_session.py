"""One connection to the simulated Bybit v5 private stream (/v5/private): auth, heartbeat,
subscriptions, and the account pushes of private_payloads.py.

What Bybit documents ("Connect", bybit-exchange.github.io/docs/v5/ws/connect):
- auth: {"req_id": optional, "op": "auth", "args": [api_key, expires, signature]}, signature =
  hex HMAC_SHA256(secret, "GET/realtime" + expires), expires (ms) later than now (auth.py);
  success {"success": true, "ret_msg": "", "op": "auth", "conn_id": ...};
- heartbeat {"req_id": optional, "op": "ping"}, answered on private channels with
  {"req_id": ..., "op": "pong", "args": ["<ms>"], "conn_id": ...};
- subscribe / unsubscribe {"req_id": optional, "op", "args": [topic, ...]}, the private answer
  {"success": true, "ret_msg": "", "op": "subscribe", "conn_id": ...};
- private topics (docs/v5/websocket/private): position (all-in-one) or position.linear /
  .inverse / .option, execution, execution.fast, order, wallet, greeks, dcp.

What Bybit sends on the wire where the docs are silent (reported alike by client libraries):
a refused auth is {"success": false, "ret_msg": "Params Error", "op": "auth", "conn_id": ...}
(pybit users with a bad key, a bad signature or a stale expires all report that text; Bybit
does not tell which); a private topic asked for before a successful auth is refused with
"Request not authorized". The connection stays open either way. Refusals of a topic or an op
are the public stream's (stream_session.py).

Choices of the simulation: `req_id` is echoed when the request carried one; a second auth on an
authenticated connection is refused with "Repeat auth" (the order-entry stream's documented
20001 "repeat auth"); only wallet and position topics ever carry data (the venue has no orders,
fills or options); a connection receives its own account's events only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from monitor.sources.sim.bybit.auth import check_ws_auth
from monitor.sources.sim.bybit.private_payloads import CATEGORY, AccountChange
from monitor.sources.sim.bybit.stream_session import Frame

Json = dict[str, Any]
WALLET = "wallet"
POSITION = "position"
TOPICS = (
    WALLET,
    POSITION,
    "position.linear",
    "position.inverse",
    "position.option",
    "execution",
    "execution.fast",
    "order",
    "greeks",
    "dcp",
)
AUTH_REFUSED = "Params Error"
NOT_AUTHORIZED = "Request not authorized"
REPEAT_AUTH = "Repeat auth"


def _dumps(body: object) -> str:
    return json.dumps(body, separators=(",", ":"))


class PrivateSession:
    """A private connection: who it authenticated as, its topics, the frames it is owed."""

    def __init__(self, conn_id: str) -> None:
        self.conn_id = conn_id
        self.api_key: str | None = None
        self.topics: set[str] = set()
        self.outbox: list[Frame] = []

    # -- requests -------------------------------------------------------------------------

    def answer(self, text: str, secrets: Mapping[str, str], now_ms: int) -> Frame:
        """The reply to one text message sent on the connection."""
        try:
            request = json.loads(text)
        except json.JSONDecodeError as exc:
            return self._reply(False, f"Failed to decode incoming data: {exc.msg}", None, "")
        if not isinstance(request, dict):
            return self._reply(False, "Failed to decode incoming data: expect an object", None, "")
        op, raw_id = request.get("op"), request.get("req_id")
        req_id = None if raw_id is None else str(raw_id)
        args = request.get("args")
        if op == "ping":
            body: Json = {"op": "pong", "args": [str(now_ms)], "conn_id": self.conn_id}
            return Frame(_dumps(self._with_id(req_id, body)), keepalive=True)
        if op == "auth":
            if self.api_key is not None:
                return self._reply(False, REPEAT_AUTH, req_id, op)
            self.api_key = check_ws_auth(args, secrets, now_ms)
            return self._reply(
                self.api_key is not None, "" if self.api_key else AUTH_REFUSED, req_id, op
            )
        if op not in ("subscribe", "unsubscribe"):
            return self._reply(False, "error:invalid op", req_id, str(op or ""))
        if self.api_key is None:
            return self._reply(False, NOT_AUTHORIZED, req_id, op)
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            return self._reply(False, "error:args must be a list of topics", req_id, op)
        if op == "unsubscribe":
            self.topics.difference_update(args)
            return self._reply(True, "", req_id, op)
        for topic in args:
            if topic not in TOPICS:
                return self._reply(False, f"error:handler not found,topic:{topic}", req_id, op)
            if topic in self.topics:
                return self._reply(False, f"error:already subscribed,topic:{topic}", req_id, op)
        self.topics.update(args)
        return self._reply(True, "", req_id, op)

    def _with_id(self, req_id: str | None, body: Json) -> Json:
        return body if req_id is None else {"req_id": req_id, **body}

    def _reply(self, success: bool, ret_msg: str, req_id: str | None, op: str) -> Frame:
        body = {"success": success, "ret_msg": ret_msg, "op": op, "conn_id": self.conn_id}
        return Frame(_dumps(self._with_id(req_id, body)))

    # -- pushes ---------------------------------------------------------------------------

    def pushes(self, change: AccountChange, now_ms: int) -> list[Frame]:
        """The messages an account event owes this connection (its own account's only)."""
        frames = []
        if WALLET in self.topics:
            frames.append(self._message(WALLET, [change.wallet], now_ms))
        for topic in (POSITION, f"{POSITION}.{CATEGORY}"):
            if topic in self.topics and change.positions:
                frames.append(self._message(topic, list(change.positions), now_ms))
        return frames

    def _message(self, topic: str, data: list[Json], now_ms: int) -> Frame:
        body = {"id": str(uuid.uuid4()), "topic": topic, "creationTime": now_ms, "data": data}
        return Frame(_dumps(body))
