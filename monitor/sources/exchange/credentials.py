"""API credentials in the OS keyring, referenced by account name; never a silent plaintext file.

On a headless machine with no keyring backend we stop with a plain message offering the
explicit alternatives (environment variables, or a credentials file the user chooses, chmod 600).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path

import keyring
import keyring.errors
from keyring.backends import fail

from monitor.contracts import Credentials

SERVICE = "margin-monitor"  # accounts' credentials, by account name
APP_SERVICE = "margin-monitor-app"  # the app's own secrets (webhooks), by name
ENV_KEYS = ("MARGIN_MONITOR_API_KEY", "MARGIN_MONITOR_API_SECRET", "MARGIN_MONITOR_API_PASSWORD")


class NoKeyring(RuntimeError):
    """No usable OS keyring: the user must pick an explicit alternative."""


def _require_backend() -> None:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise NoKeyring(
            "no OS keyring is available on this machine, so credentials cannot be stored "
            "securely. Either set MARGIN_MONITOR_API_KEY / MARGIN_MONITOR_API_SECRET / "
            "MARGIN_MONITOR_API_PASSWORD in the environment of every run, or pass "
            "--credentials-file PATH to keep them in a file you choose (created chmod 600)."
        )


def require_keyring() -> None:
    """NoKeyring (with the choices) when this machine has no usable OS keyring."""
    _require_backend()


def save(reference: str, credentials: Credentials) -> None:
    _require_backend()
    payload = json.dumps(
        {
            "api_key": credentials.api_key,
            "secret": credentials.secret,
            "password": credentials.password,
        }
    )
    try:
        keyring.set_password(SERVICE, reference, payload)
    except keyring.errors.KeyringError as exc:
        raise NoKeyring(f"the OS keyring refused to store credentials: {exc}") from exc


def load(reference: str) -> Credentials:
    _require_backend()
    payload = keyring.get_password(SERVICE, reference)
    if payload is None:
        return Credentials()
    data = json.loads(payload)
    return Credentials(data.get("api_key", ""), data.get("secret", ""), data.get("password", ""))


def delete(reference: str) -> None:
    _require_backend()
    # Nothing stored is fine (e.g. an address-only Hyperliquid account).
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(SERVICE, reference)


def from_environment() -> Credentials | None:
    values = [os.environ.get(k, "") for k in ENV_KEYS]
    return Credentials(*values) if any(values) else None


def save_to_file(path: Path, reference: str, credentials: Credentials) -> None:
    """The explicit, user-chosen alternative: a JSON file readable by the owner only."""
    data = json.loads(path.read_text()) if path.exists() else {}
    data[reference] = {
        "api_key": credentials.api_key,
        "secret": credentials.secret,
        "password": credentials.password,
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def delete_from_file(path: Path, reference: str) -> bool:
    """Remove the account's entry from a credentials file (the others stay, the file stays
    owner-only); False when it had none. OSError / ValueError: the file cannot be rewritten
    or is not a credentials file (the caller names the file, never its contents)."""
    if not path.exists():
        return False
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"credentials file {path}: not a credentials file")
    if data.pop(reference, None) is None:
        return False
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return True


def load_from_file(path: Path, reference: str) -> Credentials:
    """Read back what `save_to_file` wrote; every failure names the file and the account."""
    try:
        mode = path.stat().st_mode
        data = json.loads(path.read_text())
    except OSError as exc:
        raise NoKeyring(f"credentials file {path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise NoKeyring(f"credentials file {path}: not valid JSON: {exc}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise NoKeyring(
            f"credentials file {path}: readable by other users; run chmod 600 {path} first"
        )
    entry = data.get(reference) if isinstance(data, dict) else None
    if not isinstance(entry, dict):
        raise NoKeyring(f"credentials file {path}: no entry for account '{reference}'")
    return Credentials(
        str(entry.get("api_key", "")), str(entry.get("secret", "")), str(entry.get("password", ""))
    )


def get_secret(name: str) -> str | None:
    """Any other secret of the app (e.g. webhook URLs) from the keyring; NoKeyring if none.

    Kept under APP_SERVICE, apart from the accounts' credentials (SERVICE, by account name):
    an account named like one of the app's secrets must neither read, overwrite nor delete it.
    """
    _require_backend()
    return keyring.get_password(APP_SERVICE, name)


def legacy_secret(name: str) -> str | None:
    """An app secret as versions before APP_SERVICE kept it, beside the accounts (SERVICE)."""
    _require_backend()
    return keyring.get_password(SERVICE, name)


def delete_legacy_secret(name: str) -> None:
    _require_backend()
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(SERVICE, name)


def set_secret(name: str, value: str) -> None:
    _require_backend()
    try:
        keyring.set_password(APP_SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise NoKeyring(f"the OS keyring refused to store a secret: {exc}") from exc
