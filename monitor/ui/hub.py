"""The one bridge from the service thread to the GUI thread (Electrum's QtEventListener idea).

Service callbacks and Future completions arrive on the service's thread; they are re-emitted
here as Qt signals. The hub lives on the GUI thread, so the connections are queued and every
slot runs on the GUI thread. Payloads are immutable snapshots, safe to pass by reference.

ServiceApi has no unsubscribe, so the service may call back after the window is gone: the
callbacks go through a plain-Python relay that the hub detaches (under a lock) when it closes,
so a late callback is dropped instead of emitting on a deleted Qt object.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from monitor.service.api import ServiceApi, ServiceEvent
from monitor.service.snapshot import Snapshot


class _Relay:
    """Holds the hub for the service thread; `detach` makes every later call a no-op."""

    def __init__(self, hub: ServiceHub) -> None:
        self._hub: ServiceHub | None = hub
        self._lock = threading.RLock()  # re-entrant: a done future calls back at once
        # Work done on the service thread with each snapshot before it goes out (the rows
        # rendered: prerender.py); Qt-free, and it never raises.
        self.prepare: Callable[[Snapshot], None] = lambda _: None

    def detach(self) -> None:
        with self._lock:
            self._hub = None

    def snapshot(self, snap: Snapshot) -> None:
        if self._hub is not None:  # outside the lock: a closing window need not wait on it
            self.prepare(snap)
        with self._lock:
            if self._hub is not None:
                self._hub.snapshot_received.emit(snap)

    def event(self, event: ServiceEvent) -> None:
        with self._lock:
            if self._hub is not None:
                self._hub.event_received.emit(event)

    def future_done(self, callback: Callable[[Future[Any]], None], future: Future[Any]) -> None:
        with self._lock:
            if self._hub is not None:
                self._hub.future_done.emit(callback, future)


class ServiceHub(QObject):
    snapshot_received = Signal(object)  # Snapshot
    event_received = Signal(object)  # ServiceEvent
    future_done = Signal(object, object)  # (callback, future)

    def __init__(self, service: ServiceApi, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._relay = _Relay(self)
        relay = self._relay  # the lambda must not keep `self` alive nor touch it when deleted
        self.destroyed.connect(lambda *_: relay.detach())
        self.future_done.connect(self._run_callback)
        # Subscribe once the event loop turns, after the window has connected its slots: the
        # service sends its latest snapshot at once, from its own thread, and a signal emitted
        # before anything is connected is lost. With no account (a first run) no other
        # snapshot follows, and the window would wait forever.
        QTimer.singleShot(0, self, lambda: service.subscribe(relay.snapshot, relay.event))

    def prepare_with(self, prepare: Callable[[Snapshot], None]) -> None:
        """Have `prepare(snapshot)` run on the service thread with each snapshot, before it is
        emitted to the GUI thread: work the GUI thread then need not do."""
        self._relay.prepare = prepare

    def close(self) -> None:
        """Stop delivering: later service callbacks are dropped."""
        self._relay.detach()

    def when_done(self, future: Future[Any], callback: Callable[[Future[Any]], None]) -> None:
        """Call `callback(future)` on the GUI thread once the service resolves the future."""
        relay = self._relay
        future.add_done_callback(lambda f: relay.future_done(callback, f))

    @Slot(object, object)
    def _run_callback(self, callback: Callable[[Future[Any]], None], future: Future[Any]) -> None:
        # A dialog closed before the service answered is deleted by then: an answer for one of
        # its methods is dropped, or it would write to labels Qt has already freed.
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return
        callback(future)


def failure(future: Future[Any]) -> str | None:
    """The reason a command failed, in words, or None if it succeeded."""
    if future.cancelled():
        return "cancelled"
    exc = future.exception()
    return None if exc is None else str(exc) or type(exc).__name__
