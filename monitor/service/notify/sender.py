"""Delivers webhook requests on a worker thread of its own, in order, with retries.

One sender per destination: a destination that is down holds back only its own queue (order
is kept by delivering one request at a time), never the service loop or other destinations.
Retried: network errors, timeouts, HTTP 5xx and 429 (Retry-After honoured). Any other 4xx
is the destination refusing the request (bad URL or token): retrying cannot help.
"""

from __future__ import annotations

import base64
import email.utils
import http.client
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from monitor.redact import url_host_only
from monitor.service.notify.formats import WebhookRequest

log = logging.getLogger(__name__)

FailureCallback = Callable[[WebhookRequest, str], None]
DeliveredCallback = Callable[[WebhookRequest], None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    backoff: float = 1.0  # wait after the first failure; doubles each time
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a server asking for longer is treated as down
    timeout: float = 10.0  # per HTTP request

    def delay(self, failures: int, retry_after: float | None) -> float:
        exponential = min(self.max_backoff, self.backoff * 2.0 ** max(0, failures - 1))
        return exponential if retry_after is None else max(exponential, retry_after)


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class _GiveUp(Exception):
    pass


_STOP = object()


class WebhookSender:
    def __init__(
        self,
        policy: RetryPolicy | None = None,
        on_failure: FailureCallback | None = None,
        on_delivered: DeliveredCallback | None = None,
        proxies: dict[str, str] | None = None,  # None: the system's; {}: connect directly
        name: str = "webhook-sender",
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._on_failure = on_failure
        self._on_delivered = on_delivered
        handlers = [] if proxies is None else [urllib.request.ProxyHandler(proxies)]
        self._opener = urllib.request.build_opener(*handlers)
        self._queue: queue.Queue[object] = queue.Queue()
        self._deadline = float("inf")  # monotonic; past it, undelivered requests are dropped
        self._closed = False
        self._drained = True
        self._lock = threading.Lock()
        self._closing = threading.Condition(self._lock)  # close() wakes a backoff wait
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def send(self, request: WebhookRequest) -> None:
        """Queue a request and return at once."""
        with self._lock:
            if self._closed:
                raise RuntimeError("webhook sender is closed")
            self._queue.put(request)

    def close(self, timeout: float = 5.0) -> bool:
        """Deliver what is queued, for at most `timeout` seconds, then stop the thread.

        Requests not delivered by then are reported to `on_failure`. True if the queue
        drained in time.
        """
        self.begin_close(timeout)
        return self.join(timeout + self.policy.timeout + 1.0)

    def begin_close(self, timeout: float) -> None:
        """Take no more requests; deliver the queued ones for at most `timeout` seconds from
        now. Returns at once (several senders close side by side, under one deadline)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._deadline = time.monotonic() + timeout
                self._closing.notify_all()
                self._queue.put(_STOP)

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` s for a closing sender's thread; True if it drained in time."""
        self._thread.join(max(0.0, timeout))
        return not self._thread.is_alive() and self._drained

    def _time_left(self) -> float:
        return self._deadline - time.monotonic()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            assert isinstance(item, WebhookRequest)
            if self._time_left() <= 0:
                self._drained = False
                self._fail(item, "not delivered before shutdown")
                continue
            try:
                self._deliver(item)
            except Exception as exc:  # unforeseen: that request fails, never the thread
                self._fail(item, f"could not be sent ({type(exc).__name__})")

    def _deliver(self, request: WebhookRequest) -> None:
        failures = 0
        while True:
            try:
                self._post(request)
            except _GiveUp as refused:
                self._fail(request, str(refused))
                return
            except _Retry as problem:
                failures += 1
                if failures >= self.policy.attempts:
                    self._fail(request, f"gave up after {failures} tries: {problem}")
                    return
                if not self._back_off(
                    time.monotonic() + self.policy.delay(failures, problem.retry_after)
                ):
                    self._drained = False
                    self._fail(request, f"not delivered before shutdown: {problem}")
                    return
                continue
            if self._on_delivered is not None:
                try:
                    self._on_delivered(request)
                except Exception:
                    log.exception("webhook delivered callback raised")
            return

    def _back_off(self, until: float) -> bool:
        """Wait until `until`; False at once if a close() deadline comes before it.

        A condition wait rather than a sleep, so close() can cut a long backoff short.
        """
        with self._closing:
            while (remaining := until - time.monotonic()) > 0:
                if until > self._deadline:
                    return False
                self._closing.wait(remaining)
        return True

    def _post(self, request: WebhookRequest) -> None:
        timeout = max(0.1, min(self.policy.timeout, self._time_left()))
        try:
            url, headers = _with_basic_auth(request.url, request.headers)
            outgoing = urllib.request.Request(
                url, data=request.body, headers=headers, method="POST"
            )
            with self._opener.open(outgoing, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            error.read()
            error.close()
            reason = f"HTTP {error.code} {error.reason}"
            if error.code == 429 or error.code >= 500:
                after = _retry_after(error.headers.get("Retry-After"))
                if after is not None and after > self.policy.max_retry_after:
                    raise _GiveUp(f"{reason}, asked to wait {after:.0f} s") from None
                raise _Retry(reason, after) from None
            raise _GiveUp(reason) from None
        except (ValueError, http.client.InvalidURL) as error:
            # A URL urllib cannot send (a space, a non-ASCII character, no scheme): retrying
            # cannot help, and the error's text quotes the URL, so only its class is told.
            raise _GiveUp(f"not a usable URL ({type(error).__name__})") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            # URLError wraps refused connections and DNS failures; OSError covers timeouts.
            raise _Retry(_scrubbed(str(getattr(error, "reason", error)), request.url)) from None

    def _fail(self, request: WebhookRequest, reason: str) -> None:
        log.warning("webhook %s failed: %s", request.name, reason)
        if self._on_failure is not None:
            try:
                self._on_failure(request, reason)
            except Exception:  # a broken callback must not kill the worker
                log.exception("webhook failure callback raised")


def _with_basic_auth(url: str, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A user and password in the URL (https://user:pw@host/...) sent the way HTTP sends them,
    as Basic authorization. urllib would take them for part of the host name (handing the
    password to the resolver), and the webhook would never be delivered."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, headers
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pair = f"{unquote(user)}:{unquote(password)}".encode()
    auth = {"Authorization": f"Basic {base64.b64encode(pair).decode('ascii')}"}
    return urlunsplit(parts._replace(netloc=host)), {**headers, **auth}


def _scrubbed(reason: str, url: str) -> str:
    """A failure's text without any part of the webhook URL past its host (the path, the query
    and a user:password are its secret), should the error quote them."""
    try:
        parts = urlsplit(url)
        pieces = [url, parts.path, parts.query, parts.username, parts.password]
        pieces.append(f"{parts.path}?{parts.query}")
        pieces.append(parts.netloc.rpartition("@")[0])
    except ValueError:
        pieces = [url]
    for piece in sorted({p for p in pieces if p and len(p) > 1}, key=len, reverse=True):
        reason = reason.replace(piece, "…")
    return url_host_only(reason)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
