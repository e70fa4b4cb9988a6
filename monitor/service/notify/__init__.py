"""Off-window alert channel: webhook payloads (formats) and their delivery (sender)."""

from monitor.service.notify.formats import (
    TELEGRAM_API,
    Notification,
    WebhookKind,
    WebhookRequest,
    WebhookTarget,
    build_request,
    discord,
    generic_json,
    ntfy,
    slack,
    telegram,
)
from monitor.service.notify.sender import RetryPolicy, WebhookSender

__all__ = [
    "TELEGRAM_API",
    "Notification",
    "RetryPolicy",
    "WebhookKind",
    "WebhookRequest",
    "WebhookSender",
    "WebhookTarget",
    "build_request",
    "discord",
    "generic_json",
    "ntfy",
    "slack",
    "telegram",
]
