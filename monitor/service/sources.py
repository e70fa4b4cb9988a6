"""How the service reaches each stored account's data: a ccxt reader, or nothing (manual)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.service.api import Credentials, ExchangeSettings
from monitor.sources.exchange import credentials as keyring_credentials
from monitor.sources.exchange.errors import AuthFailed
from monitor.sources.exchange.public import PublicMarks
from monitor.sources.exchange.reader import ExchangeReader, FetchResult, SymbolFigures
from monitor.store.records import AccountRecord


@dataclass(frozen=True)
class Connection:
    settings: ExchangeSettings
    credentials: Credentials
    ws_url: str | None = None  # where a simulated venue in this process streams


# A simulated account's venue runs in this process; whoever started it says where it listens.
SimResolver = Callable[[AccountRecord], Connection]


def exchange_settings(record: AccountRecord) -> ExchangeSettings:
    s = record.settings
    return ExchangeSettings(
        exchange_id=str(s.get("exchange_id") or record.venue),
        sandbox=bool(s.get("sandbox", False)),
        api_url=s.get("api_url"),
        wallet_address=s.get("wallet_address"),
    )


def stored_settings(settings: ExchangeSettings) -> dict[str, Any]:
    """What the store keeps of an exchange account's settings (exchange_settings' inverse)."""
    return {
        "exchange_id": settings.exchange_id,
        "sandbox": settings.sandbox,
        "api_url": settings.api_url,
        "wallet_address": settings.wallet_address,
    }


def connection_for(record: AccountRecord, sim: SimResolver | None) -> Connection:
    """Settings and credentials of an exchange or simulated account.

    Credentials live in the OS keyring under the account's reference; a missing keyring or
    entry stops the account with the reason, as a bad key would.
    """
    if record.kind == "simulated":
        if sim is None:
            raise AuthFailed(f"account '{record.name}': the simulated venue is not running")
        return sim(record)
    settings = exchange_settings(record)
    if record.settings.get("credentials_from") == "environment":
        from_env = keyring_credentials.from_environment()
        if from_env is None:
            names = ", ".join(keyring_credentials.ENV_KEYS[:2])
            raise AuthFailed(f"account '{record.name}': reads its keys from {names}: not set")
        return Connection(settings, from_env)
    if record.credentials_ref is None:
        return Connection(settings, Credentials())
    try:
        if record.settings.get("credentials_file"):  # the trader's explicit choice
            path = Path(str(record.settings["credentials_file"]))
            return Connection(
                settings, keyring_credentials.load_from_file(path, record.credentials_ref)
            )
        return Connection(settings, keyring_credentials.load(record.credentials_ref))
    except keyring_credentials.NoKeyring as exc:
        # Never the environment's keys instead: they are one venue's, and this account's
        # venue would be sent them. Reading from the environment is a choice made per account.
        raise AuthFailed(
            f"account '{record.name}': its keys are in an OS keyring, and this machine has "
            f"none ({exc}); add it here with its keys in the environment or a credentials file"
        ) from exc
    except Exception as exc:  # a locked keyring, a deleted entry
        raise AuthFailed(f"account '{record.name}': credentials unavailable: {exc}") from exc


ReaderFactory = Callable[[Connection, str], Any]


def default_reader(connection: Connection, account_name: str) -> ExchangeReader:
    return ExchangeReader(connection.settings, connection.credentials, account_name=account_name)


MarksFactory = Callable[[str, "str | None"], Any]


def default_marks(exchange_id: str, api_url: str | None) -> PublicMarks:
    return PublicMarks(exchange_id, api_url=api_url)


class ManualMarksReader:
    """A manual account's live marks: the positions are typed, the prices come from a venue's
    public market data (settings "marks_from", optionally "marks_api_url")."""

    def __init__(self, marks: Any, symbols: Callable[[], list[str]]) -> None:
        self._marks = marks
        self._symbols = symbols

    async def fetch(self, now: float) -> FetchResult:
        symbols = self._symbols()
        marks = await self._marks.fetch(symbols) if symbols else {}
        figures = {s: SymbolFigures(mark, (), None) for s, mark in marks.items()}
        return FetchResult(fetched_at=now, accounts=(), symbols=figures)

    async def close(self) -> None:
        await self._marks.close()

    async def market_marks(self, settle: str | None = None) -> dict[str, float]:
        return dict(await self._marks.market_marks(settle))
