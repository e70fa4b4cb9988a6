"""A ServiceApi that exists before the service does.

Starting the real service means importing ccxt and SQLAlchemy, opening the database and
perhaps the simulated venue: about a second. The window should not wait for that, so it is
built on this stand-in, which queues what the window asks until `bind` hands it the real
service (or `fail` says why there is none).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from monitor.service.api import ServiceEvent

Listener = tuple[Callable[[Any], None], Callable[[ServiceEvent], None] | None]


class DeferredService:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._real: Any = None
        self._error: BaseException | None = None
        self._pending: list[Callable[[Any], None]] = []
        self._event_listeners: list[Callable[[ServiceEvent], None]] = []
        self._subscribers: list[Listener] = []
        self._orphans: list[Listener] = []  # subscribers whose subscription a failure dropped
        self._preview: Any = None  # the stored book, shown until the service binds

    def bind(self, real: Any) -> None:
        with self._lock:
            self._real = real
            pending, self._pending = self._pending, []
            # Subscribed before a failed start: their queued subscription was dropped then.
            late = self._orphans
            self._orphans = []
        for on_snapshot, on_event in late:
            real.subscribe(on_snapshot, on_event)
        for call in pending:
            call(real)

    def preview(self, snapshot: Any) -> None:
        """Before the service binds: show its subscribers `snapshot` (the last stored book,
        stored_book.py), and any that subscribe before it binds. Once bound, ignored."""
        with self._lock:
            if self._real is not None:
                return
            self._preview = snapshot
            listeners = [on_snapshot for on_snapshot, _ in self._subscribers]
        for on_snapshot in listeners:
            on_snapshot(snapshot)

    def retry(self) -> None:
        """Another start is on its way (another database, say): queue requests again, and
        let the listeners that subscribed before the failure hear the service that binds."""
        with self._lock:
            self._error = None

    def fail(self, error: BaseException, at: float) -> None:
        """No service will come: tell the window why, and fail what it asked for."""
        with self._lock:
            self._error = error
            pending, self._pending = self._pending, []
            listeners = list(self._event_listeners)
            self._orphans = list(self._subscribers)
        for call in pending:
            call(None)
        for listener in listeners:
            listener(
                ServiceEvent("command_error", None, f"the monitor could not start: {error}", at)
            )

    def _when_ready(self, call: Callable[[Any], None]) -> None:
        with self._lock:
            if self._real is None and self._error is None:
                self._pending.append(call)
                return
            real = self._real
        call(real)

    def _future(self, method: str, *args: Any) -> Future[Any]:
        result: Future[Any] = Future()

        def call(real: Any) -> None:
            if real is None:
                result.set_exception(self._error or RuntimeError("the service did not start"))
                return
            inner: Future[Any] = getattr(real, method)(*args)
            inner.add_done_callback(lambda f: _copy(f, result))

        self._when_ready(call)
        return result

    def subscribe(
        self,
        on_snapshot: Callable[[Any], None],
        on_event: Callable[[ServiceEvent], None] | None = None,
    ) -> None:
        if on_event is not None:
            with self._lock:
                self._event_listeners.append(on_event)
        with self._lock:
            self._subscribers.append((on_snapshot, on_event))
            if self._error is not None:  # heard by the service of a later start, if any
                self._orphans.append((on_snapshot, on_event))
            preview = self._preview if self._real is None else None
        if preview is not None:
            on_snapshot(preview)
        self._when_ready(lambda real: real and real.subscribe(on_snapshot, on_event))

    def refresh(self, account_id: int | None = None) -> None:
        self._when_ready(lambda real: real and real.refresh(account_id))

    def __getattr__(self, method: str) -> Callable[..., Future[Any]]:
        # Every other ServiceApi method is a command returning a Future.
        if method.startswith("_"):
            raise AttributeError(method)
        return lambda *args: self._future(method, *args)


def _copy(source: Future[Any], target: Future[Any]) -> None:
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())
