"""Where the trader's webhooks are kept: the OS keyring (a webhook URL is as good as a password
to whoever reads it, so never the database), plus MARGIN_MONITOR_WEBHOOKS for a run."""

from __future__ import annotations

import json
import os

from monitor.service.notify import TELEGRAM_API, WebhookTarget
from monitor.service.webhooks import parse_target
from monitor.sources.exchange import credentials as vault

ENV = "MARGIN_MONITOR_WEBHOOKS"  # space-separated KIND=URL entries
_KEY = "webhooks"


def stored() -> list[str]:
    """The saved entries; [] where there is no keyring (the env variable still works)."""
    try:
        raw = vault.get_secret(_KEY)
        if raw is None:
            raw = _moved_from_the_accounts_slot()
    except vault.NoKeyring:
        return []
    return list(json.loads(raw)) if raw else []


def _moved_from_the_accounts_slot() -> str | None:
    """Webhooks saved by a version that kept them beside the accounts' credentials, under the
    name "webhooks": moved to the app's own slot. What is there is a list of entries only if it
    was webhooks; an account's credentials (an object) are left alone."""
    raw = vault.legacy_secret(_KEY)
    try:
        entries = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return None
    vault.set_secret(_KEY, raw or "[]")
    vault.delete_legacy_secret(_KEY)
    return raw


def save(entries: list[str]) -> None:
    """Keep these entries (each checked first); raises NoKeyring with the alternatives."""
    for entry in entries:
        parse_target(entry)
    vault.set_secret(_KEY, json.dumps(entries))


def targets(
    extra: list[str] | None = None, telegram_api: str = TELEGRAM_API
) -> list[WebhookTarget]:
    entries = stored() + os.environ.get(ENV, "").split() + list(extra or [])
    return [parse_target(e, telegram_api) for e in dict.fromkeys(entries)]
