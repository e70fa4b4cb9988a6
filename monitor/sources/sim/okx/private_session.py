"""One connection to the simulated OKX v5 private stream (/ws/v5/private): login, keep-alive,
the `account` and `positions` channels, and their snapshots and event pushes.

What OKX documents (https://www.okx.com/docs-v5/en/, "WebSocket" overview and the Trading
Account WebSocket channels):
- login {"op": "login", "args": [{"apiKey", "passphrase", "timestamp", "sign"}]} (auth.py);
  success {"event": "login", "code": "0", "msg": "", "connId"}; failure {"event": "error",
  "code", "msg", "connId"} with the codes of the WebSocket error table: 60004 Invalid
  timestamp, 60005 Invalid apiKey, 60006 Timestamp request expired, 60007 Invalid sign, 60024
  Wrong passphrase, 60027 "Parameter {0} can not be empty.", 60021 "This operation does not
  support multiple accounts login.", 60031 "The WebSocket endpoint does not allow multiple or
  repeated logins."; the close frame 4001 "Login Failed";
- private channels "require log in": 60011 "Please log in" before it;
- subscribe answers {"event": "subscribe", "arg": {...}, "connId"}; a subscription to the
  account or positions channel is followed by {"event": "channel-conn-count", "channel",
  "connCount", "connId"} ("sent ... to new channel subscriptions");
- account (optional ccy, extraParams updateInterval "0": events only) and positions (instType
  MARGIN / SWAP / FUTURES / OPTION / ANY, optional instFamily, instId; updateInterval "0",
  2000, 3000, 4000 ms, else "around per 5 seconds"): an initial snapshot, regular snapshots,
  and event pushes (private_payloads.py);
- orders (instType required): "Data will not be pushed when first subscribed. Data will only be
  pushed when there are order updates" — the venue has no orders: subscribed, never pushed;
- the keep-alive is the text "ping", answered with "pong"; unknown ops 60019, malformed
  requests 60012, an unknown channel 60018 (as on the public stream, stream_session.py).

Choices where the docs are silent (the simulation's): the account channel's regular snapshot
comes on the positions channel's documented ~5 s (`regular_s`); the initial snapshot follows
the subscription answer at once and event pushes go out at once (OKX aggregates for ~50 ms);
after a refused login the error is sent, then the connection is closed with 4001; a repeated
subscription is answered again and keeps its schedule; the `id` of a request is echoed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from monitor.sources.sim.okx.auth import OkxWsError, check_ws_login
from monitor.sources.sim.okx.auth import Secret as OkxSecret
from monitor.sources.sim.okx.private_payloads import (
    INST_TYPE,
    AccountChange,
    account_entry,
    balance_entry,
    position_rows,
)
from monitor.sources.sim.okx.report import AccountFigures
from monitor.sources.sim.okx.stream_session import Frame

Json = dict[str, Any]
ACCOUNT, POSITIONS, ORDERS = "account", "positions", "orders"
INST_TYPES = ("MARGIN", "SWAP", "FUTURES", "OPTION", "ANY")
ORDER_INST_TYPES = ("SPOT", *INST_TYPES)
REGULAR_S = 5.0  # positions: "around per 5 seconds"; account: the same (chosen)
POSITION_INTERVALS_MS = ("2000", "3000", "4000")
LOGIN_FAILED = (4001, "Login Failed")


@dataclass
class Subscription:
    channel: str
    arg: Json  # as the answer echoes it (extraParams left out, as in OKX's examples)
    period: float | None  # seconds between regular snapshots; None: events only
    due: float = -math.inf  # loop time of the next snapshot; -inf: the initial one, at once


def _dumps(body: object) -> str:
    return json.dumps(body, separators=(",", ":"))


class PrivateSession:
    """A private connection: who logged in, its subscriptions, the frames it is owed, and
    whether it is to be closed (`close`: code and reason) once they are sent."""

    def __init__(
        self,
        conn_id: str,
        figures: Callable[[str], AccountFigures],
        uid: Callable[[str], str],
        conn_count: Callable[[str, str], int],
        regular_s: float = REGULAR_S,
    ) -> None:
        self.conn_id = conn_id
        self._figures = figures
        self._uid = uid
        self._conn_count = conn_count
        self.regular_s = regular_s
        self.api_key: str | None = None
        self.subs: dict[tuple[str, ...], Subscription] = {}
        self.outbox: list[Frame] = []
        self.close: tuple[int, str] | None = None
        self.snapshots = 0  # snapshot pushes sent so far

    def channels(self) -> set[str]:
        return {s.channel for s in self.subs.values()}

    # -- requests -------------------------------------------------------------------------

    def answer(self, text: str, secrets: dict[str, OkxSecret], now_ms: int) -> list[Frame]:
        """The replies to one text message sent on the connection."""
        if text == "ping":
            return [Frame("pong", keepalive=True)]
        try:
            request = json.loads(text)
        except json.JSONDecodeError:
            return [self._error(None, "60012", f"Invalid request: {text}")]
        if not isinstance(request, dict):
            return [self._error(None, "60012", f"Invalid request: {text}")]
        request_id, op, args = request.get("id"), request.get("op"), request.get("args")
        if op == "login":
            return [self._login(request_id, text, args, secrets, now_ms)]
        if op not in ("subscribe", "unsubscribe"):
            return [self._error(request_id, "60019", f"Invalid op: {op}")]
        if not isinstance(args, list) or not args or not all(isinstance(a, dict) for a in args):
            return [self._error(request_id, "60012", f"Invalid request: {text}")]
        frames: list[Frame] = []
        for arg in args:
            frames += self._one(request_id, op, arg)
        return frames

    def _login(
        self,
        request_id: object,
        text: str,
        args: object,
        secrets: dict[str, OkxSecret],
        now_ms: int,
    ) -> Frame:
        if self.api_key is not None:
            return self._error(
                request_id,
                "60031",
                "The WebSocket endpoint does not allow multiple or repeated logins.",
            )
        if not isinstance(args, list) or not args or not all(isinstance(a, dict) for a in args):
            self.close = LOGIN_FAILED
            return self._error(request_id, "60012", f"Invalid request: {text}")
        if len(args) > 1:
            self.close = LOGIN_FAILED
            return self._error(
                request_id, "60021", "This operation does not support multiple accounts login."
            )
        try:
            self.api_key = check_ws_login(args[0], secrets, now_ms)
        except OkxWsError as err:
            self.close = LOGIN_FAILED
            return self._error(request_id, err.code, err.msg)
        return Frame(_dumps(self._with_ids(request_id, {"event": "login", "code": "0", "msg": ""})))

    def _one(self, request_id: object, op: str, arg: Json) -> list[Frame]:
        channel = arg.get("channel")
        if channel not in (ACCOUNT, POSITIONS, ORDERS):
            return [self._unknown(request_id, arg)]
        if self.api_key is None:
            return [self._error(request_id, "60011", "Please log in")]
        try:
            key, echoed, period = self._parse(channel, arg)
        except OkxWsError as err:
            return [self._error(request_id, err.code, err.msg)]
        if key is None:
            return [self._unknown(request_id, arg)]
        answer = Frame(_dumps(self._with_ids(request_id, {"event": op, "arg": echoed})))
        if op == "unsubscribe":
            self.subs.pop(key, None)
            return [answer]
        self.subs.setdefault(key, Subscription(channel, echoed, period))
        if channel == ORDERS:
            return [answer]
        count = {
            "event": "channel-conn-count",
            "channel": channel,
            "connCount": str(self._conn_count(self.api_key, channel)),
            "connId": self.conn_id,
        }
        return [answer, Frame(_dumps(count))]

    def _parse(self, channel: str, arg: Json) -> tuple[tuple[str, ...] | None, Json, float | None]:
        """The subscription's key, the arg as answered, and its regular period."""
        interval = _update_interval(arg.get("extraParams"))
        if channel == ACCOUNT:
            ccy = arg.get("ccy")
            if ccy is not None and not isinstance(ccy, str):
                return None, {}, None
            echoed = {"channel": channel, **({"ccy": ccy} if ccy else {})}
            period = None if interval == "0" else self.regular_s
            return (channel, ccy or ""), echoed, period
        inst_type = arg.get("instType")
        if not inst_type:
            raise OkxWsError("60027", "Parameter instType can not be empty.")
        allowed = ORDER_INST_TYPES if channel == ORDERS else INST_TYPES
        family, inst_id = arg.get("instFamily"), arg.get("instId")
        if inst_type not in allowed or not all(
            v is None or isinstance(v, str) for v in (family, inst_id)
        ):
            return None, {}, None
        echoed = {"channel": channel, "instType": inst_type}
        echoed.update({k: v for k, v in (("instFamily", family), ("instId", inst_id)) if v})
        if interval == "0":
            period = None
        elif interval in POSITION_INTERVALS_MS:
            period = int(interval) / 1000
        else:
            period = self.regular_s
        return (channel, inst_type, family or "", inst_id or ""), echoed, period

    def _unknown(self, request_id: object, arg: Json) -> Frame:
        what = ",".join(f"{k}:{v}" for k, v in arg.items() if k != "extraParams")
        return self._error(
            request_id,
            "60018",
            f"Wrong URL or {what} doesn't exist. Please use the correct URL, channel and "
            "parameters referring to API document.",
        )

    def _error(self, request_id: object, code: str, msg: str) -> Frame:
        return Frame(
            _dumps(self._with_ids(request_id, {"event": "error", "code": code, "msg": msg}))
        )

    def _with_ids(self, request_id: object, body: Json) -> Json:
        head = {} if request_id is None else {"id": request_id}
        return {**head, **body, "connId": self.conn_id}

    # -- pushes ---------------------------------------------------------------------------

    def pushes(self, now: float, now_ms: int) -> tuple[list[str], float | None]:
        """The snapshots due at loop time `now`, and the seconds until the next is due (None:
        none scheduled)."""
        if self.api_key is None:
            return [], None
        due = [s for s in self.subs.values() if s.channel != ORDERS and s.due <= now]
        frames = []
        if due:
            figures = self._figures(self.api_key)
            for sub in due:
                frames.append(self._snapshot(sub, figures, now_ms))
                sub.due = now + sub.period if sub.period is not None else math.inf
        self.snapshots += len(frames)
        waits = [s.due - now for s in self.subs.values() if math.isfinite(s.due)]
        return frames, (max(0.0, min(waits)) if waits else None)

    def events(self, change: AccountChange, now_ms: int) -> list[Frame]:
        """The event pushes an account event owes this connection's subscriptions."""
        frames = []
        for sub in self.subs.values():
            if sub.channel == ACCOUNT:
                ccy = sub.arg.get("ccy")
                wanted = change.currencies & {ccy} if ccy else change.currencies
                if wanted:
                    data = [account_entry(change.account, wanted)]
                    frames.append(Frame(self._push(sub, "event_update", data)))
            elif sub.channel == POSITIONS:
                rows = _matching(sub.arg, change.positions)
                if rows:
                    frames.append(Frame(self._push(sub, "event_update", rows)))
        return frames

    def _snapshot(self, sub: Subscription, figures: AccountFigures, now_ms: int) -> str:
        if sub.channel == ACCOUNT:
            ccy = sub.arg.get("ccy")
            data = [account_entry(balance_entry(figures, now_ms), [ccy] if ccy else None)]
        else:
            data = _matching(sub.arg, position_rows(figures, now_ms))
        return self._push(sub, "snapshot", data)

    def _push(self, sub: Subscription, event_type: str, data: list[Json]) -> str:
        assert self.api_key is not None
        body: Json = {"arg": {**sub.arg, "uid": self._uid(self.api_key)}, "eventType": event_type}
        if event_type == "snapshot":  # "Only applicable for snapshot events"
            body.update(curPage=1, lastPage=True)
        body["data"] = data
        return _dumps(body)


def _matching(arg: Json, rows: Any) -> list[Json]:
    """The position rows a positions subscription covers ("If instId and instFamily are both
    passed, instId will be used")."""
    if arg.get("instType") not in (INST_TYPE, "ANY"):
        return []
    inst_id, family = arg.get("instId"), arg.get("instFamily")
    if inst_id:
        return [r for r in rows if r["instId"] == inst_id]
    if family:
        return [r for r in rows if r["instId"].rsplit("-", 1)[0] == family]
    return list(rows)


def _update_interval(extra: object) -> str | None:
    """extraParams' updateInterval, as text ("0", "2000", ...); None when absent or unreadable."""
    if not isinstance(extra, str):
        return None
    try:
        value = json.loads(extra).get("updateInterval")
    except (json.JSONDecodeError, AttributeError):
        return None
    return None if value is None else str(value)
