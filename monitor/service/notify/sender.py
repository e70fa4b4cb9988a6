"""Delivers webhook requests on a worker thread of its own, in order, with retries.

One sender per destination: a destination that is down holds back only its own queue (order
is kept by delivering one request at a time), never the service loop or other destinations.
Retried: network errors, timeouts, HTTP 5xx and 429 (Retry-After honoured). Any other 4xx
is the destination refusing the request (bad URL or token): retrying cannot help.
"""

from __future__ import annotations

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
        with self._lock:
            if not self._closed:
                self._closed = True
                self._deadline = time.monotonic() + timeout
                self._closing.notify_all()
                self._queue.put(_STOP)
        self._thread.join(timeout + self.policy.timeout + 1.0)
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
            self._deliver(item)

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
        outgoing = urllib.request.Request(
            request.url, data=request.body, headers=request.headers, method="POST"
        )
        timeout = max(0.1, min(self.policy.timeout, self._time_left()))
        try:
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
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            # URLError wraps refused connections and DNS failures; OSError covers timeouts.
            raise _Retry(str(getattr(error, "reason", error))) from None

    def _fail(self, request: WebhookRequest, reason: str) -> None:
        log.warning("webhook %s failed: %s", request.name, reason)
        if self._on_failure is not None:
            try:
                self._on_failure(request, reason)
            except Exception:  # a broken callback must not kill the worker
                log.exception("webhook failure callback raised")


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
