"""Alert events that should ring, sent to the trader's webhooks (one ordered queue each)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from monitor.domain.alerts import AlertEvent
from monitor.redact import url_host_only
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


def _shown(entry: str) -> str:
    """A webhook entry fit for a message: its kind and host; never its path or token."""
    kind, sep, rest = entry.partition("=")
    if not sep:
        return url_host_only(entry) if "://" in entry else "…"
    return f"{kind}={url_host_only(rest) if '://' in rest else '…'}"


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
    if kind is WebhookKind.TELEGRAM:
        token, at, chat = rest.rpartition("@")
        if not at or not token or not chat:
            raise ValueError(f"webhook {kind_text}=…: expected telegram=TOKEN@CHAT_ID")
        return WebhookTarget(kind, telegram_api, token=token, chat_id=chat, name="telegram")
    if not rest.startswith(("http://", "https://")):
        raise ValueError(f"webhook {_shown(text)!r}: the URL must start with http:// or https://")
    return WebhookTarget(kind, rest.strip(), name=kind.value)


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
        note = Notification.from_event(alert)
        for target, sender in self._targets:
            sender.send(build_request(target, note))

    def close(self, timeout: float = 5.0) -> bool:
        return all([sender.close(timeout) for _, sender in self._targets])
