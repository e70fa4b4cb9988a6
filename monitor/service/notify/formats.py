"""HTTP requests each webhook service expects for one alert notification.

Every formatter returns a ready `WebhookRequest` (URL, body bytes, headers); the sender does
not know about formats. Only events with `notify=True` should be turned into requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from monitor.domain.alert_model import AlertEvent
from monitor.domain.report import Level

APP_NAME = "Margin Monitor"
TELEGRAM_API = "https://api.telegram.org"
_JSON = {"Content-Type": "application/json; charset=utf-8"}


class WebhookKind(StrEnum):
    JSON = "json"
    NTFY = "ntfy"
    SLACK = "slack"
    DISCORD = "discord"
    TELEGRAM = "telegram"


@dataclass(frozen=True)
class Notification:
    """What a webhook says; built from an alert event (see `from_event`)."""

    kind: str  # the event kind: "raised", "escalated", "stale", ...
    level: Level
    subject: str
    account: str
    message: str
    at: float  # epoch seconds
    simulated: bool = False  # a simulated (demo) account's: the JSON says so for machines

    @staticmethod
    def from_event(event: AlertEvent, simulated: bool = False) -> Notification:
        return Notification(
            kind=str(event.kind),
            level=event.level,
            subject=event.subject,
            account=event.account,
            message=event.message,
            at=event.at,
            simulated=simulated,
        )

    @property
    def title(self) -> str:
        return f"{APP_NAME}: {self.level.label}"


@dataclass(frozen=True)
class WebhookTarget:
    """One configured destination. `url` is the webhook URL, the ntfy topic URL, or, for
    Telegram, the API base (default api.telegram.org; tests point it at loopback)."""

    kind: WebhookKind
    url: str = ""
    token: str = ""  # Telegram bot token, or an ntfy access token (sent as Bearer)
    chat_id: str = ""  # Telegram chat
    name: str = ""  # for the trader in failure reports; never contains the token


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    name: str = ""  # shown in failure reports instead of the URL, which may hold a secret


def generic_json(url: str, note: Notification, name: str = "") -> WebhookRequest:
    payload = {
        "app": APP_NAME,
        "kind": note.kind,
        "level": note.level.label,
        "subject": note.subject,
        "account": note.account,
        "title": note.title,
        "message": note.message,
        "at": note.at,
        "simulated": note.simulated,
    }
    return WebhookRequest(url, _json(payload), dict(_JSON), name or "json webhook")


# ntfy priorities 1..5: liquidation must break through do-not-disturb, ok need not buzz.
_NTFY_PRIORITY = {Level.OK: "2", Level.WARNING: "3", Level.CRITICAL: "4", Level.LIQUIDATION: "5"}
_NTFY_TAGS = {
    Level.OK: "white_check_mark",
    Level.WARNING: "warning",
    Level.CRITICAL: "rotating_light",
    Level.LIQUIDATION: "skull",
}


def ntfy(topic_url: str, note: Notification, token: str = "", name: str = "") -> WebhookRequest:
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "Title": note.title,  # ASCII: HTTP headers are Latin-1 on the wire
        "Priority": _NTFY_PRIORITY[note.level],
        "Tags": _NTFY_TAGS[note.level],
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return WebhookRequest(topic_url, note.message.encode("utf-8"), headers, name or "ntfy")


def slack(url: str, note: Notification, name: str = "") -> WebhookRequest:
    return WebhookRequest(url, _json({"text": note.message}), dict(_JSON), name or "slack")


def discord(url: str, note: Notification, name: str = "") -> WebhookRequest:
    return WebhookRequest(url, _json({"content": note.message}), dict(_JSON), name or "discord")


def telegram(
    token: str, chat_id: str, note: Notification, base_url: str = TELEGRAM_API, name: str = ""
) -> WebhookRequest:
    url = f"{base_url.rstrip('/')}/bot{token}/sendMessage"
    body = _json({"chat_id": chat_id, "text": note.message})
    return WebhookRequest(url, body, dict(_JSON), name or "telegram")


def build_request(target: WebhookTarget, note: Notification) -> WebhookRequest:
    if target.kind is WebhookKind.NTFY:
        return ntfy(target.url, note, target.token, target.name)
    if target.kind is WebhookKind.SLACK:
        return slack(target.url, note, target.name)
    if target.kind is WebhookKind.DISCORD:
        return discord(target.url, note, target.name)
    if target.kind is WebhookKind.TELEGRAM:
        base = target.url or TELEGRAM_API
        return telegram(target.token, target.chat_id, note, base, target.name)
    return generic_json(target.url, note, target.name)


def _json(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")
