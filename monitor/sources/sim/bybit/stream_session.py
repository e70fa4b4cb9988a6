"""One connection to the simulated Bybit v5 public linear stream: its requests and ticker pushes.

What Bybit documents:
- "Connect" (bybit-exchange.github.io/docs/v5/ws/connect): requests are
  {"req_id": optional, "op": "subscribe" | "unsubscribe", "args": [topic, ...]}; the
  Linear/Inverse subscription answer is {"success": true, "ret_msg": "", "conn_id": ...,
  "req_id": "", "op": "subscribe"}; the heartbeat {"req_id": optional, "op": "ping"} is answered
  on public channels with {"success": true, "ret_msg": "pong", "conn_id": ..., "req_id": "",
  "op": "ping"}.
- "Ticker" (docs/v5/websocket/public/ticker): topic `tickers.{symbol}`; a linear ticker
  "utilises the snapshot field and delta field. If a response param is not found in the message,
  then its value has not changed"; push frequency 100 ms; messages {"topic", "type": "snapshot" |
  "delta", "data": {...}, "cs": cross sequence, "ts": ms}; the data fields are FIELDS below.

Refusals are not in the docs; they are sent as Bybit sends them on the wire (reported alike by
several client libraries): {"success": false, "ret_msg": "error:handler not found,topic:<t>"}
for a topic the endpoint does not serve (an unlisted symbol included), "error:already
subscribed,topic:<t>" for a topic the connection holds, "error:invalid op" for an unknown op,
"Failed to decode incoming data: ..." for text that is no JSON object. One refused topic refuses
the whole request: nothing of it is subscribed.

Choices where the docs are silent (the simulation's):
- A snapshot follows the subscription answer at once. The sim's marks move only when told, so
  a delta goes out as soon as a field changes (never sooner than 100 ms after the topic's last
  push) and otherwise once a second. A live linear ticker changes many times a second; the
  once-a-second delta stands in for that, so a client can tell a live stream from a stalled one.
- A delta carries markPrice and indexPrice always (the venue restates its mark each push) and
  every other field whose value changed since the connection last received the topic.
- The figures are GET /v5/market/tickers' (market_data.linear_ticker): the stream and the REST
  answer are one body and never disagree about a mark. tickDirection follows lastPrice's last
  move (PlusTick up, MinusTick down; ZeroPlusTick before any move); there are no trades.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monitor.sources.sim.bybit.market_data import linear_ticker
from monitor.sources.sim.bybit.markets import BybitMarket

Json = dict[str, Any]
TOPIC = "tickers"
FIELDS = (
    "price24hPcnt",
    "lastPrice",
    "prevPrice24h",
    "highPrice24h",
    "lowPrice24h",
    "prevPrice1h",
    "markPrice",
    "indexPrice",
    "openInterest",
    "openInterestValue",
    "turnover24h",
    "volume24h",
    "nextFundingTime",
    "fundingRate",
    "bid1Price",
    "bid1Size",
    "ask1Price",
    "ask1Size",
)
ALWAYS = ("markPrice", "indexPrice")  # in every delta
MIN_GAP_S = 0.1  # "Push frequency: 100ms"
PERIOD_S = 1.0  # the sim's cadence while nothing changes


def ticker_data(market: BybitMarket, mark: float, now_ms: int, direction: str) -> dict[str, str]:
    """A linear ticker's full data at `mark`, from the REST ticker's body."""
    rest = linear_ticker(market, mark, now_ms)
    return {"symbol": market.id, "tickDirection": direction, **{k: rest[k] for k in FIELDS}}


def _direction(held: Mapping[str, str], last_price: str) -> str:
    before, now = float(held["lastPrice"]), float(last_price)
    if now > before:
        return "PlusTick"
    if now < before:
        return "MinusTick"
    return held["tickDirection"]


@dataclass
class Topic:
    market: BybitMarket
    sent_at: float = -math.inf  # loop time of the last push
    held: dict[str, str] | None = None  # the ticker as the client holds it; None: snapshot next


@dataclass(frozen=True)
class Frame:
    text: str
    keepalive: bool = False  # a pong: answered even while the stream is quiet


class Session:
    """A connection's topics; the server's pump writes its outbox and what `pushes` returns."""

    def __init__(self, conn_id: str, markets: Mapping[str, BybitMarket]) -> None:
        self.conn_id = conn_id
        self.markets = markets  # by Bybit id
        self.topics: dict[str, Topic] = {}
        self.outbox: list[Frame] = []
        self._cs = 0

    # -- requests -------------------------------------------------------------------------

    def answer(self, text: str) -> Frame:
        """The reply to one text message sent on the connection."""
        try:
            request = json.loads(text)
        except json.JSONDecodeError as exc:
            return self._reply(False, f"Failed to decode incoming data: {exc.msg}", "", "")
        if not isinstance(request, dict):
            return self._reply(False, "Failed to decode incoming data: expect an object", "", "")
        op, raw_id = request.get("op"), request.get("req_id")
        req_id = "" if raw_id is None else str(raw_id)
        if op == "ping":
            return Frame(self._reply(True, "pong", req_id, "ping").text, keepalive=True)
        if op not in ("subscribe", "unsubscribe"):
            return self._reply(False, "error:invalid op", req_id, str(op or ""))
        args = request.get("args")
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            return self._reply(False, "error:args must be a list of topics", req_id, op)
        if op == "unsubscribe":
            for topic in args:
                self.topics.pop(topic, None)
            return self._reply(True, "", req_id, op)
        wanted: dict[str, BybitMarket] = {}
        for topic in args:
            market = self._market(topic)
            if market is None:
                return self._reply(False, f"error:handler not found,topic:{topic}", req_id, op)
            if topic in self.topics:
                return self._reply(False, f"error:already subscribed,topic:{topic}", req_id, op)
            wanted[topic] = market
        for topic, market in wanted.items():
            self.topics[topic] = Topic(market)
        return self._reply(True, "", req_id, op)

    def _market(self, topic: str) -> BybitMarket | None:
        name, _, symbol = topic.partition(".")
        return self.markets.get(symbol) if name == TOPIC else None

    def _reply(self, success: bool, ret_msg: str, req_id: str, op: str) -> Frame:
        body = {
            "success": success,
            "ret_msg": ret_msg,
            "conn_id": self.conn_id,
            "req_id": req_id,
            "op": op,
        }
        return Frame(json.dumps(body, separators=(",", ":")))

    # -- pushes ---------------------------------------------------------------------------

    def pushes(
        self, now: float, now_ms: int, marks: Mapping[str, float]
    ) -> tuple[list[str], float | None]:
        """The ticker messages due at loop time `now`, and the seconds until the next is due
        (None: no topic)."""
        frames: list[str] = []
        waits: list[float] = []
        for name, topic in self.topics.items():
            market = topic.market
            held = topic.held
            if held is None:
                data = ticker_data(market, marks[market.id], now_ms, "ZeroPlusTick")
                kind, body = "snapshot", data
            else:
                data = ticker_data(market, marks[market.id], now_ms, held["tickDirection"])
                data["tickDirection"] = _direction(held, data["lastPrice"])
                changed = {k: v for k, v in data.items() if held.get(k) != v}
                gap = MIN_GAP_S if changed else PERIOD_S
                if now - topic.sent_at < gap:
                    waits.append(topic.sent_at + gap - now)
                    continue
                kind = "delta"
                body = {"symbol": market.id, **{k: data[k] for k in ALWAYS}, **changed}
            topic.held, topic.sent_at = data, now
            waits.append(PERIOD_S)
            self._cs += 1
            message = {"topic": name, "type": kind, "data": body, "cs": self._cs, "ts": now_ms}
            frames.append(json.dumps(message, separators=(",", ":")))
        return frames, (max(0.0, min(waits)) if waits else None)
