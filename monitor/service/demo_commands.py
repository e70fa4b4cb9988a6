"""The demo's two commands (ServiceApi): open it (the window's first-run choice) and remove it
in one go, stopping the simulated venue once no simulated account is left."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from monitor.service.demo import DemoHost, ensure_demo_account

if TYPE_CHECKING:
    from collections.abc import Callable

    from monitor.store.database import Database
    from monitor.store.records import AccountRecord


class DemoCommandsMixin:
    """MonitorService's demo commands; the service provides what is declared here."""

    if TYPE_CHECKING:
        db: Database
        _records: dict[int, AccountRecord]
        _demo: DemoHost | None

        def _run(self, fn: Callable[[], Any]) -> Future[Any]: ...
        def _add(self, record: AccountRecord) -> None: ...
        def _drop(self, account_id: int) -> None: ...
        def _publish(self) -> None: ...

    def open_demo(self) -> Future[int]:
        """Start the simulated venue and add the demo account watching it (the existing one if
        there is one); its id."""

        def run() -> int:
            if self._demo is None:
                raise ValueError("the simulated demo is not available in this session")
            self._demo.start()
            account_id = ensure_demo_account(self.db)
            if account_id not in self._records:
                self._add(self.db.accounts.get(account_id))
            self._publish()
            return account_id

        return self._run(run)

    def remove_demo(self, account_id: int) -> Future[None]:
        """Remove a simulated account with its positions and history; the venue stops with the
        last of them."""

        def run() -> None:
            record = self.db.accounts.get(account_id)
            if record.kind != "simulated":
                raise ValueError(
                    f"account '{record.name}' is not the simulated demo: remove it with "
                    "Account ▸ Remove account"
                )
            self._drop(account_id)
            self.db.accounts.remove(account_id)
            left = any(a.kind == "simulated" for a in self.db.accounts.list())
            if not left and self._demo is not None:
                self._demo.stop()
            self._publish()

        return self._run(run)
