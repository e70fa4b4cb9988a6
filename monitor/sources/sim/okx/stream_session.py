"""One connection to the simulated OKX v5 public stream: its requests and mark-price pushes.

What OKX documents ("Mark price channel", https://www.okx.com/docs-v5/en/#public-data-websocket-
mark-price-channel, and the WebSocket overview of the same page):
- requests {"id": optional, "op": "subscribe" | "unsubscribe", "args": [{"channel":
  "mark-price", "instId": "BTC-USDT-SWAP"}, ...]};
- each subscribed channel is answered {"id": as sent, "event": "subscribe", "arg": {"channel",
  "instId"}, "connId": ...}; a failure {"id", "event": "error", "code", "msg", "connId"}, with the
  codes of the WebSocket error table: 60012 "Invalid request: <request>", 60018 "Wrong URL or
  channel:<channel>,instId:<instId> doesn't exist. Please use the correct URL, channel and
  parameters referring to API document.", 60019 "Invalid op: <op>";
- pushes {"arg": {"channel": "mark-price", "instId"}, "data": [{"instType", "instId", "markPx",
  "ts"}]}: "Data will be pushed every 200 ms when the mark price changes, and will be pushed
  every 10 seconds when the mark price does not change";
- the keep-alive is the text "ping", answered with the text "pong".

The pushed row is GET /api/v5/public/mark-price's (market_payloads.mark_row): the stream and
the REST answer are one body and never disagree about a mark.

Choices where the docs are silent (the simulation's): the current mark is pushed right after
the subscription answer; each arg of a request is answered on its own (a refused one does not
refuse the others); an instrument the venue lists but holds no mark for is subscribed and silent
until it has one; an op other than subscribe/unsubscribe (login included: this endpoint serves
public channels only) is refused with 60019.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monitor.sources.sim.okx.account_payloads import fmt
from monitor.sources.sim.okx.instruments import OkxInstrument
from monitor.sources.sim.okx.market_payloads import mark_row

Json = dict[str, Any]
CHANNEL = "mark-price"
MIN_GAP_S = 0.2  # "pushed every 200 ms when the mark price changes"
IDLE_PERIOD_S = 10.0  # "every 10 seconds when the mark price does not change"


@dataclass
class Topic:
    instrument: OkxInstrument
    sent_at: float = -math.inf  # loop time of the last push
    sent_px: str | None = None  # the markPx last pushed; None: nothing pushed yet


@dataclass(frozen=True)
class Frame:
    text: str
    keepalive: bool = False  # a pong: answered even while the stream is quiet


def _dumps(body: object) -> str:
    return json.dumps(body, separators=(",", ":"))


class Session:
    """A connection's subscriptions; the server's pump writes its outbox and what `pushes`
    returns."""

    def __init__(self, conn_id: str, instruments: Mapping[str, OkxInstrument]) -> None:
        self.conn_id = conn_id
        self.instruments = instruments  # by instId
        self.topics: dict[str, Topic] = {}  # by instId
        self.outbox: list[Frame] = []

    # -- requests -------------------------------------------------------------------------

    def answer(self, text: str) -> list[Frame]:
        """The replies to one text message sent on the connection."""
        if text == "ping":
            return [Frame("pong", keepalive=True)]
        try:
            request = json.loads(text)
        except json.JSONDecodeError:
            return [self._error(None, "60012", f"Invalid request: {text}")]
        if not isinstance(request, dict):
            return [self._error(None, "60012", f"Invalid request: {text}")]
        request_id = request.get("id")
        op = request.get("op")
        if op not in ("subscribe", "unsubscribe"):
            return [self._error(request_id, "60019", f"Invalid op: {op}")]
        args = request.get("args")
        if not isinstance(args, list) or not args or not all(isinstance(a, dict) for a in args):
            return [self._error(request_id, "60012", f"Invalid request: {text}")]
        return [self._one(request_id, op, arg) for arg in args]

    def _one(self, request_id: object, op: str, arg: Json) -> Frame:
        channel, inst_id = arg.get("channel"), arg.get("instId")
        instrument = self.instruments.get(inst_id) if isinstance(inst_id, str) else None
        if channel != CHANNEL or instrument is None:
            return self._error(
                request_id,
                "60018",
                f"Wrong URL or channel:{channel},instId:{inst_id} doesn't exist. Please use the "
                "correct URL, channel and parameters referring to API document.",
            )
        assert isinstance(inst_id, str)
        if op == "subscribe":
            self.topics.setdefault(inst_id, Topic(instrument))
        else:
            self.topics.pop(inst_id, None)
        body: Json = {"event": op, "arg": {"channel": CHANNEL, "instId": inst_id}}
        return Frame(_dumps(self._with_ids(request_id, body)))

    def _error(self, request_id: object, code: str, msg: str) -> Frame:
        return Frame(
            _dumps(self._with_ids(request_id, {"event": "error", "code": code, "msg": msg}))
        )

    def _with_ids(self, request_id: object, body: Json) -> Json:
        head = {} if request_id is None else {"id": request_id}
        return {**head, **body, "connId": self.conn_id}

    # -- pushes ---------------------------------------------------------------------------

    def pushes(
        self, now: float, now_ms: int, marks: Mapping[str, float]
    ) -> tuple[list[str], float | None]:
        """The mark-price messages due at loop time `now`, and the seconds until the next is
        due (None: nothing to wait for)."""
        frames: list[str] = []
        waits: list[float] = []
        for inst_id, topic in self.topics.items():
            mark = marks.get(inst_id)
            if mark is None:
                continue  # no mark yet: silent until the venue has one
            px = fmt(mark)
            gap = MIN_GAP_S if px != topic.sent_px else IDLE_PERIOD_S
            if now - topic.sent_at < gap:
                waits.append(topic.sent_at + gap - now)
                continue
            topic.sent_at, topic.sent_px = now, px
            waits.append(IDLE_PERIOD_S)
            row = mark_row(topic.instrument, mark, now_ms)
            frames.append(_dumps({"arg": {"channel": CHANNEL, "instId": inst_id}, "data": [row]}))
        return frames, (max(0.0, min(waits)) if waits else None)
