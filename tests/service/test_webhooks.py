"""Webhook formats and delivery against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import itertools
import json
import threading
import time

import pytest

from monitor.domain.alert_model import AlertEvent, EventKind
from monitor.domain.report import Level
from monitor.service.notify import (
    Notification,
    RetryPolicy,
    WebhookKind,
    WebhookRequest,
    WebhookSender,
    WebhookTarget,
    build_request,
)

from .conftest import Receiver

MESSAGE = "binance-main: health 1.22 ≤ critical 1.25 — liquidation if the market falls 4.1 %"
FAST = RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05, timeout=5.0)


def slack_to(receiver: Receiver, note: Notification) -> WebhookRequest:
    return build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), note)


def critical_note(message: str = MESSAGE) -> Notification:
    event = AlertEvent(
        kind=EventKind.ESCALATED,
        subject="7",
        account="7",
        level=Level.CRITICAL,
        message=message,
        at=1_764_100_000.5,
        notify=True,
        previous=Level.WARNING,
        health=1.22,
    )
    return Notification.from_event(event)


class Outcomes:
    """Callbacks of a sender, with a wait by condition."""

    def __init__(self) -> None:
        self.delivered: list[WebhookRequest] = []
        self.failed: list[tuple[WebhookRequest, str]] = []
        self._changed = threading.Condition()

    def on_delivered(self, request: WebhookRequest) -> None:
        with self._changed:
            self.delivered.append(request)
            self._changed.notify_all()

    def on_failure(self, request: WebhookRequest, reason: str) -> None:
        with self._changed:
            self.failed.append((request, reason))
            self._changed.notify_all()

    def wait(self, count: int, timeout: float = 10.0) -> None:
        with self._changed:
            done = self._changed.wait_for(
                lambda: len(self.delivered) + len(self.failed) >= count, timeout
            )
        assert done, f"{len(self.delivered)} delivered, {len(self.failed)} failed of {count}"


@pytest.fixture
def outcomes() -> Outcomes:
    return Outcomes()


@pytest.fixture
def make_sender(outcomes: Outcomes):
    senders: list[WebhookSender] = []

    def make(policy: RetryPolicy = FAST) -> WebhookSender:
        sender = WebhookSender(
            policy, outcomes.on_failure, outcomes.on_delivered, proxies={}, name="test-webhooks"
        )
        senders.append(sender)
        return sender

    yield make
    for sender in senders:
        sender.close(timeout=1.0)


def deliver(receiver: Receiver, make_sender, target: WebhookTarget):
    sender = make_sender()
    sender.send(build_request(target, critical_note()))
    (received,) = receiver.wait_for(1)
    return received


# -- formats: exactly what each service expects ---------------------------------------------


def test_generic_json_carries_every_field(receiver, make_sender):
    got = deliver(receiver, make_sender, WebhookTarget(WebhookKind.JSON, receiver.url("/in")))
    assert got.method == "POST" and got.path == "/in"
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(got.body.decode("utf-8")) == {
        "app": "Margin Monitor",
        "kind": "escalated",
        "level": "critical",
        "subject": "7",
        "account": "7",
        "title": "Margin Monitor: critical",
        "message": MESSAGE,
        "at": 1_764_100_000.5,
        "simulated": False,  # a real account's alert (a simulated one's says true)
    }


def test_ntfy_posts_the_text_with_title_priority_and_tags(receiver, make_sender):
    target = WebhookTarget(WebhookKind.NTFY, receiver.url("/margin-alerts"), token="tk_secret")
    got = deliver(receiver, make_sender, target)
    assert got.path == "/margin-alerts"
    assert got.body.decode("utf-8") == MESSAGE  # the plain message, UTF-8
    assert got.headers["Title"] == "Margin Monitor: critical"
    assert got.headers["Priority"] == "4"  # ntfy "high"
    assert got.headers["Tags"] == "rotating_light"
    assert got.headers["Authorization"] == "Bearer tk_secret"


def test_slack_posts_text(receiver, make_sender):
    got = deliver(receiver, make_sender, WebhookTarget(WebhookKind.SLACK, receiver.url("/s")))
    assert got.headers["Content-Type"].startswith("application/json")
    assert json.loads(got.body) == {"text": MESSAGE}


def test_discord_posts_content(receiver, make_sender):
    got = deliver(receiver, make_sender, WebhookTarget(WebhookKind.DISCORD, receiver.url("/d")))
    assert json.loads(got.body) == {"content": MESSAGE}


def test_telegram_posts_send_message_under_the_bot_token(receiver, make_sender):
    target = WebhookTarget(
        WebhookKind.TELEGRAM, receiver.url(""), token="123456:ABC-def", chat_id="-100987"
    )
    got = deliver(receiver, make_sender, target)
    assert got.path == "/bot123456:ABC-def/sendMessage"
    assert got.headers["Content-Type"].startswith("application/json")
    assert json.loads(got.body) == {"chat_id": "-100987", "text": MESSAGE}


# -- delivery ----------------------------------------------------------------------------


def test_send_returns_at_once_and_delivery_runs_on_the_worker_thread(
    receiver, make_sender, outcomes
):
    receiver.gate.clear()  # the receiver holds its answer
    sender = make_sender()
    started = time.monotonic()
    sender.send(build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), critical_note()))
    assert time.monotonic() - started < 0.5
    receiver.wait_for(1)  # the request is in flight, unanswered, and the caller went on
    assert outcomes.delivered == []
    receiver.gate.set()
    outcomes.wait(1)
    assert len(outcomes.delivered) == 1 and outcomes.failed == []


def test_retries_after_server_errors_then_succeeds(receiver, make_sender, outcomes):
    receiver.script("/hook", 500, 502)
    sender = make_sender()
    sender.send(build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), critical_note()))
    outcomes.wait(1)
    assert len(outcomes.delivered) == 1 and outcomes.failed == []
    bodies = [r.body for r in receiver.wait_for(3)]
    assert len(bodies) == 3 and len(set(bodies)) == 1  # the same request, three times


def test_backoff_grows_exponentially_between_tries(receiver, make_sender, outcomes):
    receiver.script("/hook", 500, 500, 500)
    sender = make_sender(RetryPolicy(attempts=4, backoff=0.1, max_backoff=10.0))
    sender.send(build_request(WebhookTarget(WebhookKind.JSON, receiver.url()), critical_note()))
    outcomes.wait(1)
    times = [r.at for r in receiver.wait_for(4)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # 0.1, 0.2, 0.4 s asked; waits are at least that (scheduling only adds).
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2 and gaps[2] >= 0.4


def test_429_retry_after_is_honoured(receiver, make_sender, outcomes):
    receiver.script("/hook", (429, {"Retry-After": "1"}))
    sender = make_sender()  # its own backoff is 10 ms: only Retry-After can explain a 1 s gap
    sender.send(build_request(WebhookTarget(WebhookKind.DISCORD, receiver.url()), critical_note()))
    outcomes.wait(1)
    first, second = receiver.wait_for(2)
    assert second.at - first.at >= 1.0
    assert len(outcomes.delivered) == 1


def test_gives_up_after_n_tries_and_reports_why(receiver, make_sender, outcomes):
    receiver.always = (503, {})
    sender = make_sender()
    request = build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), critical_note())
    sender.send(request)
    outcomes.wait(1)
    assert len(receiver.wait_for(FAST.attempts)) == FAST.attempts
    (failed, reason) = outcomes.failed[0]
    assert failed == request and "503" in reason and f"{FAST.attempts} tries" in reason
    assert outcomes.delivered == []


def test_a_refusal_is_not_retried(receiver, make_sender, outcomes):
    receiver.always = (404, {})
    sender = make_sender()
    sender.send(build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), critical_note()))
    outcomes.wait(1)
    # Shut down after the failure report, so any further try would have arrived by now.
    assert sender.close(timeout=1.0)
    assert len(receiver.requests) == 1 and "404" in outcomes.failed[0][1]


def test_network_errors_are_retried_then_reported(dead_url, make_sender, outcomes):
    sender = make_sender()
    sender.send(build_request(WebhookTarget(WebhookKind.JSON, dead_url), critical_note()))
    outcomes.wait(1)
    (_, reason) = outcomes.failed[0]
    assert f"{FAST.attempts} tries" in reason


def test_order_is_kept_through_retries(receiver, make_sender, outcomes):
    receiver.script("/hook", 500, 429, 200, 503)  # trouble early and in the middle
    sender = make_sender()
    messages = [f"alert {i}" for i in range(12)]
    for text in messages:
        sender.send(
            build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), critical_note(text))
        )
    outcomes.wait(len(messages))
    assert [json.loads(r.body)["text"] for r in outcomes.delivered] == messages
    # On the wire: each message arrives only after the one before it was accepted.
    arrived = [json.loads(r.body)["text"] for r in receiver.requests]
    first_seen = sorted(set(arrived), key=arrived.index)
    assert first_seen == messages


def test_close_flushes_what_is_queued(receiver, make_sender, outcomes):
    sender = make_sender()
    for i in range(10):
        note = critical_note(f"queued {i}")
        sender.send(build_request(WebhookTarget(WebhookKind.DISCORD, receiver.url()), note))
    assert sender.close(timeout=5.0)  # returns only once the queue is drained
    assert [json.loads(r.body)["content"] for r in receiver.requests] == [
        f"queued {i}" for i in range(10)
    ]
    assert len(outcomes.delivered) == 10
    with pytest.raises(RuntimeError):
        sender.send(
            build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), critical_note())
        )


def test_close_keeps_its_deadline_and_reports_what_it_could_not_deliver(
    receiver, make_sender, outcomes
):
    receiver.always = (500, {})
    sender = make_sender(RetryPolicy(attempts=10, backoff=5.0, max_backoff=5.0))
    for i in range(3):
        note = critical_note(f"doomed {i}")
        sender.send(build_request(WebhookTarget(WebhookKind.SLACK, receiver.url()), note))
    receiver.wait_for(1)  # the first try failed; a 5 s backoff is under way
    started = time.monotonic()
    assert not sender.close(timeout=0.5)
    assert time.monotonic() - started < 3.0  # the 5 s backoff did not hold shutdown up
    reasons = [reason for _, reason in outcomes.failed]
    assert len(reasons) == 3 and all("shutdown" in r for r in reasons)
