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
    from monitor.store.database import Database
    from monitor.store.records import AccountRecord

PROBABILITY_ALERT = "probability_alert"  # the account setting: a fraction; absent: off


class ProbabilityAlertsMixin:
    """MonitorService's probability alert; the service provides what is declared here."""

    if TYPE_CHECKING:
        _alerts: AlertRunner
        db: Database
        _records: dict[int, AccountRecord]

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

    def probability_alert_setting(self, account_id: int) -> Future[float | None]:
        """The account's threshold (0.10: a 10 % chance within 24 h), None: off."""

        def run() -> float | None:
            value = self.db.accounts.get(account_id).settings.get(PROBABILITY_ALERT)
            return None if value is None else float(value)

        return self._run(run)

    def set_probability_alert(self, account_id: int, fraction: float | None) -> Future[None]:
        """Ring when the account's odds of liquidation within 24 h reach `fraction` (None:
        off). The risk job reads it with its next figures (at most its `every` later)."""

        def run() -> None:
            record = self.db.accounts.get(account_id)
            if fraction is not None and not 0.0 < fraction <= 1.0:
                raise ValueError(
                    f"account '{record.name}': the probability alert must be above 0 and at "
                    f"most 100 %, got {fraction * 100:g} %"
                )
            settings = {k: v for k, v in record.settings.items() if k != PROBABILITY_ALERT}
            if fraction is not None:
                settings[PROBABILITY_ALERT] = float(fraction)
            self._records[account_id] = self.db.accounts.update(account_id, settings=settings)

        return self._run(run)
