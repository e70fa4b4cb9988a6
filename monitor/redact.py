"""One place that takes secrets out of text: every error, log line, stored error and JSON the
app writes goes through these. A database URL's password, a webhook URL's path (its token), a
request's key and signature headers and query parameters."""

from __future__ import annotations

import logging
import re

_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/@\s'\"]*:)[^@\s'\"]+@")
_URL = re.compile(r"(\w[\w+.-]*://)(?:[^/@\s'\"]*@)?([^/\s'\"?#]+)[^\s'\"]*")
# Header or parameter names that carry a key, a signature or a passphrase ('X-MBX-APIKEY',
# 'X-BAPI-SIGN', 'OK-ACCESS-PASSPHRASE', signature=..., apiKey=...), with their values.
_SECRET_FIELD = re.compile(
    r"""(['"]?[\w-]*(?:key|sign|signature|secret|passphrase|token|password)[\w-]*['"]?"""
    r"""\s*[:=]\s*['"]?)([^'",&\s}]+)""",
    re.IGNORECASE,
)


def without_password(text: str) -> str:
    """`text` with the password of any URL in it replaced by ***."""
    return _URL_PASSWORD.sub(r"\1***@", text)


def url_host_only(text: str) -> str:
    """Every URL in `text` cut to its scheme and host ("https://hooks.slack.com/…"): a webhook's
    path is its secret."""
    return _URL.sub(lambda m: f"{m.group(1)}{m.group(2)}/…", text)


def secret_fields(text: str) -> str:
    """Values of key, signature and passphrase headers or parameters replaced by …"""
    return _SECRET_FIELD.sub(r"\1…", text)


class SecretFilter(logging.Filter):
    """For a library's loggers (ccxt logs every request, headers and all, at DEBUG): the
    record's text with key and signature values taken out."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = secret_fields(without_password(record.getMessage()))
        record.msg, record.args = text, None
        return True


def guard_library_logs() -> None:
    """Install SecretFilter on the loggers of the libraries that see the keys."""
    for name in ("ccxt.base.exchange", "ccxt"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretFilter) for f in logger.filters):
            logger.addFilter(SecretFilter())
