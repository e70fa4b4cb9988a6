"""Every request the venue received, so tests can assert retries, backoff and concurrency."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass


@dataclass
class RequestRecord:
    at: float  # time.monotonic() when the request arrived
    path: str  # e.g. "/fapi/v3/positionRisk"
    api_key: str | None
    status: int = 0  # 0: not answered (yet, or hung until the venue stopped)


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def arrived(self, path: str, api_key: str | None) -> RequestRecord:
        """Log a request as it arrives; the handler sets `status` once it answers."""
        record = RequestRecord(time.monotonic(), path, api_key)
        with self._lock:
            self._records.append(record)
        return record

    def records(self, path: str | None = None, api_key: str | None = None) -> list[RequestRecord]:
        with self._lock:
            return [
                RequestRecord(r.at, r.path, r.api_key, r.status)  # copies: the live ones change
                for r in self._records
                if (path is None or r.path == path) and (api_key is None or r.api_key == api_key)
            ]

    def count(self, path: str | None = None, api_key: str | None = None) -> int:
        return len(self.records(path, api_key))

    def by_path(self) -> Counter[str]:
        with self._lock:
            return Counter(r.path for r in self._records)

    def reset(self) -> None:
        with self._lock:
            self._records.clear()
