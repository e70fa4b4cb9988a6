"""Where the service keeps an exchange account's keys, as the trader chose.

The OS keyring by default. Without one (a headless machine), the two explicit choices the CLI
also offers (`accounts add --credentials-file`, or MARGIN_MONITOR_API_* in the environment):
a credentials file the trader picks, written owner-only (chmod 600), of which only the path is
stored; or the environment variables, read at every start, nothing stored. A refusal names
the field to fix (FieldProblem), never a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from monitor.service.api import Credentials, FieldProblem, KeyStorage, KeyStorageOptions
from monitor.sources.exchange import credentials as vault

# Settings keys saying where an account's keys are (read by sources.connection_for).
FILE, FROM = "credentials_file", "credentials_from"


def options() -> KeyStorageOptions:
    try:
        vault.require_keyring()
        keyring = True
    except vault.NoKeyring:
        keyring = False
    return KeyStorageOptions(keyring, vault.ENV_KEYS, vault.from_environment() is not None)


def current(settings: Mapping[str, Any]) -> KeyStorage:
    """Where a stored account's keys are now."""
    if settings.get(FROM) == "environment":
        return KeyStorage("environment")
    if settings.get(FILE):
        return KeyStorage("file", str(settings[FILE]))
    return KeyStorage()


def keep(
    name: str, credentials: Credentials, storage: KeyStorage, settings: dict[str, Any]
) -> tuple[str | None, dict[str, Any]]:
    """Store the account's keys where chosen; (its credentials reference, its settings saying
    where the keys are)."""
    settings = {k: v for k, v in settings.items() if k not in (FILE, FROM)}
    if storage.kind == "environment":
        if vault.from_environment() is None:
            names = ", ".join(vault.ENV_KEYS[:2])
            raise FieldProblem(
                "storage",
                f"{names} are not set for this run: set them before starting Margin Monitor, "
                "or keep the keys in a credentials file.",
            )
        return None, {**settings, FROM: "environment"}
    if not (credentials.api_key or credentials.secret or credentials.password):
        return None, settings  # read by address alone: nothing to keep
    if storage.kind == "file":
        return name, {**settings, FILE: str(_to_file(name, credentials, storage.path))}
    try:
        vault.save(name, credentials)
    except vault.NoKeyring:
        raise FieldProblem(
            "storage",
            "No OS keyring on this machine to keep the keys in: choose the environment "
            "variables or a credentials file.",
        ) from None
    return name, settings


def _to_file(name: str, credentials: Credentials, where: str | None) -> Path:
    if not where or not where.strip():
        raise FieldProblem("credentials_file", "Choose the credentials file to keep the keys in.")
    path = Path(where.strip()).expanduser()
    if not path.is_absolute():
        raise FieldProblem("credentials_file", f"credentials file {path}: give the full path.")
    try:
        vault.save_to_file(path, name, credentials)
    except OSError as exc:
        raise FieldProblem(
            "credentials_file",
            f"credentials file {path}: cannot write it: {exc.strerror or type(exc).__name__}.",
        ) from None
    except (ValueError, TypeError):  # an existing file that is not a credentials file
        raise FieldProblem(
            "credentials_file",
            f"credentials file {path}: holds something other than Margin Monitor's "
            "credentials; choose a new file.",
        ) from None
    return path


def forget(reference: str | None, settings: Mapping[str, Any]) -> str:
    """Delete a removed account's keys from where they were kept: its credentials file's
    entry, or the keyring's. Returns what was done, in words (the file's path, never a
    secret). OSError / ValueError (file) and vault.NoKeyring (keyring) say it failed."""
    if not reference or settings.get(FROM) == "environment":
        return ""  # read by address alone, or from the environment: nothing kept
    if settings.get(FILE):
        path = Path(str(settings[FILE]))
        if vault.delete_from_file(path, reference):
            return f"its keys deleted from {path}"
        return ""
    vault.delete(reference)
    return "its keys deleted from the keyring"
