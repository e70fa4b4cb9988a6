"""A webhook's secret (its path, its query, its user and password, a bot token) stays out of
every message about it (issue 12), whatever is wrong with the URL — and a broken one never
kills its sender or holds a shutdown for longer than the one deadline."""

from __future__ import annotations

import base64
import time

import pytest

from monitor.commands.webhooks import _shown as listed
from monitor.domain.report import Level
from monitor.service.notify import (
    Notification,
    RetryPolicy,
    WebhookKind,
    WebhookSender,
    WebhookTarget,
    build_request,
)
from monitor.service.webhooks import WebhookDispatcher, parse_target

from .conftest import Receiver

SECRET = "SeCrEt-tok-41c9"
NOTE = Notification("raised", Level.CRITICAL, "1", "1", "acct: health 1.1", 0.0)


@pytest.mark.parametrize(
    "entry",
    [
        f"pager=https://hooks.example/services/T/B/x {SECRET}",  # a space pasted into the URL
        f"pager=https://hooks.example/services/T/B/x\t{SECRET}",
        f"https://hooks.example/services/T/B/{SECRET}?x=1",  # no kind, a query with "="
        f"json=ftp://hooks.example/a b/{SECRET}",
        f"json=https://hooks.example/a {SECRET}",  # a good kind, a URL with a space
        f"slack=https://hooks.example/\x07{SECRET}",
    ],
)
def test_a_refused_webhook_is_named_by_kind_and_host_only(entry: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_target(entry)
    assert SECRET not in str(refused.value)
    assert "hooks.example" in str(refused.value)


def test_a_telegram_api_base_without_a_scheme_is_refused_without_the_token() -> None:
    with pytest.raises(ValueError) as refused:
        parse_target(f"telegram={SECRET}@42", "api.telegram.invalid")
    assert SECRET not in str(refused.value) and "api.telegram.invalid" in str(refused.value)


def test_webhooks_list_shows_no_user_or_password() -> None:
    shown = listed(f"json=https://hook:{SECRET}@hooks.example/in")
    assert SECRET not in shown and "hooks.example" in shown


def _failures(target: WebhookTarget) -> list[str]:
    failed: list[str] = []
    sender = WebhookSender(
        RetryPolicy(attempts=1, timeout=2.0), on_failure=lambda _r, why: failed.append(why)
    )
    sender.send(build_request(target, NOTE))
    sender.send(build_request(target, NOTE))  # the sender survived the first
    assert sender.close(5.0)
    return failed


@pytest.mark.parametrize(
    "target",
    [
        # Not refused by parse_target (built directly): the sender is the last line.
        WebhookTarget(WebhookKind.JSON, f"http://127.0.0.1:9/a b?key={SECRET}"),
        WebhookTarget(WebhookKind.JSON, f"http://127.0.0.1:9/\u00e9/{SECRET}"),
        WebhookTarget(WebhookKind.JSON, f"http://[::1/{SECRET}"),
        WebhookTarget(WebhookKind.TELEGRAM, "api.telegram.invalid", token=SECRET, chat_id="1"),
    ],
)
def test_an_unusable_url_fails_each_request_without_the_secret(target: WebhookTarget) -> None:
    failed = _failures(target)
    assert len(failed) == 2, failed
    assert all(SECRET not in why for why in failed), failed


def test_user_and_password_in_the_url_go_as_basic_auth(receiver: Receiver) -> None:
    url = receiver.url("/in").replace("://", f"://hook:{SECRET}@")
    sender = WebhookSender(RetryPolicy(attempts=1, timeout=2.0))
    sender.send(build_request(parse_target(f"json={url}"), NOTE))
    (got,) = receiver.wait_for(1)
    assert sender.close(5.0)
    assert got.path == "/in"
    expected = base64.b64encode(f"hook:{SECRET}".encode()).decode()
    assert got.headers["Authorization"] == f"Basic {expected}"


def test_closing_many_failing_webhooks_takes_one_deadline_not_one_each() -> None:
    dead = [
        WebhookTarget(WebhookKind.JSON, f"http://127.0.0.1:9/{i}", name=f"d{i}") for i in (1, 2, 3)
    ]
    dispatcher = WebhookDispatcher(dead, RetryPolicy(attempts=50, backoff=0.05, max_backoff=0.05))
    for target, sender in dispatcher._targets:
        sender.send(build_request(target, NOTE))
    started = time.monotonic()
    assert not dispatcher.close(timeout=1.0)
    assert time.monotonic() - started < 2.5  # not 3 x 1 s
    assert len(dispatcher.failures) == 3
    assert not any(sender._thread.is_alive() for _, sender in dispatcher._targets)
