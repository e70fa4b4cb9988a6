"""Alert events that should ring, sent to the trader's webhooks (one ordered queue each)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence

from monitor.domain.alerts import AlertEvent
from monitor.service.api import ServiceEvent
from monitor.service.notify import (
    TELEGRAM_API,
    Notification,
    RetryPolicy,
    WebhookKind,
    WebhookRequest,
    WebhookSender,
    WebhookTarget,
    build_request,
)

log = logging.getLogger(__name__)


def shown_url(url: str) -> str:
    """A webhook URL fit for a message: scheme and host ("https://hooks.slack.com/…"). Nothing
    after the host, whatever it holds (spaces included): the path, query and any user:password
    are the webhook's secret."""
    scheme, found, rest = url.strip().partition("://")
    if not found or not scheme.isalpha():
        return "…"
    host = re.split(r"[/?#\s]", rest, maxsplit=1)[0].rpartition("@")[2]
    return f"{scheme}://{host}/…"


def _shown(entry: str) -> str:
    """A webhook entry fit for a message: its kind and host; never its path or token."""
    kind, sep, rest = entry.partition("=")
    if not sep or not re.fullmatch(r"\s*\w+\s*", kind):  # no kind: "=" was the query's
        return shown_url(entry)
    return f"{kind.strip()}={shown_url(rest)}"


def _unprintable(text: str) -> bool:
    return any(c.isspace() or not c.isprintable() for c in text)


def parse_target(text: str, telegram_api: str = TELEGRAM_API) -> WebhookTarget:
    """`KIND=URL` (json, ntfy, slack, discord) or `telegram=TOKEN@CHAT_ID`."""
    kind_text, sep, rest = text.partition("=")
    try:
        kind = WebhookKind(kind_text.strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in WebhookKind)
        raise ValueError(f"webhook {_shown(text)!r}: kind must be one of {kinds}") from None
    if not sep or not rest.strip():
        raise ValueError(f"webhook {_shown(text)!r}: expected {kind.value}=URL")
    rest = rest.strip()
    if kind is WebhookKind.TELEGRAM:
        token, at, chat = rest.rpartition("@")
        if not at or not token or not chat or _unprintable(rest):
            raise ValueError(f"webhook {kind_text}=…: expected telegram=TOKEN@CHAT_ID")
        if not telegram_api.startswith(("http://", "https://")) or _unprintable(telegram_api):
            where = re.split(r"[/?#\s]", telegram_api, maxsplit=1)[0]
            raise ValueError(
                f"webhook {kind_text}=…: the Telegram API base must start with http:// or "
                f"https://, got {where!r}"
            )
        return WebhookTarget(kind, telegram_api, token=token, chat_id=chat, name="telegram")
    if not rest.startswith(("http://", "https://")):
        raise ValueError(f"webhook {_shown(text)!r}: the URL must start with http:// or https://")
    if _unprintable(rest):
        raise ValueError(
            f"webhook {_shown(text)!r}: the URL has a space or a control character in it "
            "(a line break pasted with it?)"
        )
    return WebhookTarget(kind, rest, name=kind.value)


class WebhookDispatcher:
    def __init__(self, targets: Sequence[WebhookTarget], policy: RetryPolicy | None = None) -> None:
        self.failures: list[str] = []
        self._targets = [
            (t, WebhookSender(policy, on_failure=self._failed, name=f"webhook-{t.name}"))
            for t in targets
        ]

    def _failed(self, request: WebhookRequest, reason: str) -> None:
        message = f"{request.name}: {reason}"  # the name, never the URL (it may hold a token)
        self.failures.append(message)
        log.warning("webhook gave up: %s", message)

    def on_event(self, event: ServiceEvent) -> None:
        """A service event listener (runs on the service thread; sending is queued)."""
        alert = event.payload
        if event.kind != "alert" or not isinstance(alert, AlertEvent) or not alert.notify:
            return
        note = Notification.from_event(alert, simulated=event.simulated)
        for target, sender in self._targets:
            sender.send(build_request(target, note))

    def close(self, timeout: float = 5.0) -> bool:
        """Deliver what is queued, every destination side by side, for at most `timeout`
        seconds in all (closing one after another took that long per failing destination)."""
        for _, sender in self._targets:
            sender.begin_close(timeout)
        in_flight = max((sender.policy.timeout for _, sender in self._targets), default=0.0)
        deadline = time.monotonic() + timeout + in_flight + 1.0
        return all([sender.join(deadline - time.monotonic()) for _, sender in self._targets])
