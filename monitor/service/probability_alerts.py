"""The probability alert rung through the service's one alert path: the risk job's
ProbabilityAlarm (risk_job.py) says a pool's odds of liquidation rose to the account's
threshold; here it becomes an AlertEvent, claimed among collectors (alert_claims.py: family
"probability"), logged, and published — so the window's alert list, its notifications and the
webhooks all get it, once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.domain.alerts import AlertEvent, EventKind
from monitor.domain.report import Level

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Future

    from monitor.service.alerting import AlertRunner, StoredAlert


class ProbabilityAlertsMixin:
    """MonitorService's probability alert; the service provides what is declared here."""

    if TYPE_CHECKING:
        _alerts: AlertRunner

        def clock(self) -> float: ...
        def _run(self, fn: Callable[[], Any]) -> Future[Any]: ...
        def _emit_alerts(self, events: list[StoredAlert]) -> None: ...

    def probability_alert(self, account_id: int, subject: str, text: str, ringing: bool) -> None:
        """RiskJob's on_alarm (any thread): ring `text` (ringing), or end the alert quietly
        when the figure fell back (the next crossing is news again)."""

        def run() -> None:
            now = self.clock()
            kind = EventKind.PROBABILITY if ringing else EventKind.PROBABILITY_CLEARED
            level = Level.WARNING if ringing else Level.OK
            event = AlertEvent(kind, subject, str(account_id), level, text, now, notify=ringing)
            self._emit_alerts(self._alerts.record([event], now))

        self._run(run)
