"""The database schema at head, as SQLAlchemy 2.0 typed ORM classes.

Portable on purpose (the same models must run on PostgreSQL): no SQLite types, times are epoch
seconds in double columns (the service's clock is `time.time()`), and every float column is a
double so Python floats round-trip exactly. The migrations in `migrations/versions` must build
exactly this schema; tests/store/test_migrations.py compares the two.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names, so later migrations can alter them on any backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# History tables grow to millions of rows: 64-bit ids, except that SQLite's rowid alias must
# be declared INTEGER.
HistoryId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {float: Double(), dict[str, Any]: JSON()}  # noqa: RUF012


def _account_fk() -> ForeignKey:
    return ForeignKey("accounts.id", ondelete="CASCADE")


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # exchange | manual | simulated
    venue: Mapped[str | None] = mapped_column(String(64))
    collateral: Mapped[str | None] = mapped_column(String(32))
    # Exchange id, sandbox, api_url, wallet_address, poll interval, ...; never a secret.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    credentials_ref: Mapped[str | None] = mapped_column(String(200))  # key in the OS keyring
    warning: Mapped[float]
    critical: Mapped[float]
    liquidation: Mapped[float]
    stale_after: Mapped[float]  # seconds after which the last fetch no longer counts as current
    wallet_balance: Mapped[float | None]  # None: an exchange account never fetched yet
    exchange_health_ratio: Mapped[float | None]
    positions_fetched_at: Mapped[float | None]
    # Added by 0003: every margin pool of the last refresh (wallet, collateral, the venue's own
    # figures) as JSON; None for a single-pool account (wallet_balance is its wallet).
    pools: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Added by 0004: alert levels by the market move that liquidates (fractions of the price);
    # None on rows written before it, read as the Thresholds defaults.
    move_warning: Mapped[float | None]
    move_critical: Mapped[float | None]


class PositionRow(Base):
    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk(), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # live | manual | hypothetical
    enabled: Mapped[bool] = mapped_column(Boolean)
    symbol: Mapped[str] = mapped_column(String(100))
    side: Mapped[str] = mapped_column(String(8))
    contracts: Mapped[float]
    contract_size: Mapped[float]
    inverse: Mapped[bool] = mapped_column(Boolean)
    entry_price: Mapped[float]
    mark_price: Mapped[float]
    margin_mode: Mapped[str] = mapped_column(String(16))
    isolated_margin: Mapped[float | None]
    leverage: Mapped[float | None]
    maintenance_kind: Mapped[str] = mapped_column(String(16))  # rate | tiers | max_leverage
    # The effective bracket table as [[floor, rate, amount], ...]; JSON keeps floats exactly.
    maintenance_tiers: Mapped[list[list[float]]] = mapped_column(JSON)
    max_leverage: Mapped[float | None]
    amounts_given: Mapped[bool] = mapped_column(Boolean)
    maintenance_basis: Mapped[str] = mapped_column(String(8))
    close_fee_rate: Mapped[float]
    exchange_liquidation_price: Mapped[float | None]
    # Added by 0003: the pool the position belongs to (None: the account's only pool).
    pool: Mapped[str | None] = mapped_column(String(64))
    exchange_maintenance_margin: Mapped[float | None]
    # Added by 0005: why the position cannot be judged, as its source said (None: it can).
    unknown: Mapped[str | None] = mapped_column(Text)
    # Added by 0008: when the trader typed the mark (epoch seconds; None: read from a venue,
    # or typed before the time was kept).
    mark_typed_at: Mapped[float | None]


class MarkRow(Base):
    __tablename__ = "market_marks"

    venue: Mapped[str] = mapped_column(String(64), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(100), primary_key=True)
    price: Mapped[float]
    fetched_at: Mapped[float]


class TierTableRow(Base):
    __tablename__ = "market_tiers"

    venue: Mapped[str] = mapped_column(String(64), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(100), primary_key=True)
    tiers: Mapped[list[list[float]]] = mapped_column(JSON)  # [[floor, rate, amount], ...]
    fetched_at: Mapped[float]


class HealthRow(Base):
    __tablename__ = "account_health"
    __table_args__ = (Index("ix_account_health_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(HistoryId, primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    at: Mapped[float]
    margin_balance: Mapped[float]
    maintenance: Mapped[float]
    health_ratio: Mapped[float | None]  # None: no maintenance requirement


class HealthMinuteRow(Base):
    """Account health per minute, for charts of hours and days: the minute's lowest and
    highest ratio with their times (a dip is never averaged away) and its first row without a
    ratio (a gap on the chart). Kept with every write of account_health (history.py)."""

    __tablename__ = "account_health_minutes"

    account_id: Mapped[int] = mapped_column(_account_fk(), primary_key=True)
    minute: Mapped[float] = mapped_column(primary_key=True)  # epoch seconds, a multiple of 60
    first_at: Mapped[float]
    last_at: Mapped[float]
    low: Mapped[float | None]
    low_at: Mapped[float | None]
    high: Mapped[float | None]
    high_at: Mapped[float | None]
    gap_at: Mapped[float | None]  # the minute's first row with no ratio


class PositionMarkRow(Base):
    __tablename__ = "position_marks"
    __table_args__ = (Index("ix_position_marks_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(HistoryId, primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    at: Mapped[float]
    symbol: Mapped[str] = mapped_column(String(100))
    side: Mapped[str] = mapped_column(String(8))
    mark: Mapped[float]
    liquidation_price: Mapped[float | None]


# --- added by migration 0002 -------------------------------------------------------------


class AlertRow(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(_account_fk(), index=True)
    position_key: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[float] = mapped_column(index=True)
    until: Mapped[float | None]  # snoozed until
    acknowledged_at: Mapped[float | None]


class SourceStatusRow(Base):
    __tablename__ = "source_status"

    account_id: Mapped[int] = mapped_column(_account_fk(), primary_key=True)
    last_success: Mapped[float | None]
    last_error_at: Mapped[float | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class SettingRow(Base):
    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


# Added by 0006: collectors sharing the accounts (a lease per account, one holder at a time)
# and alerts sent once whoever computes them (a delivery row per alert, claimed by insert).


class CollectorRow(Base):
    """A running collector: its heartbeat, renewed with its leases."""

    __tablename__ = "collectors"

    holder: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[float]


class LeaseRow(Base):
    """Who polls, computes and alerts for an account, until when (renewed each cycle)."""

    __tablename__ = "account_leases"

    account_id: Mapped[int] = mapped_column(Integer, _account_fk(), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[float]


class AlertEpisodeRow(Base):
    """One subject's alert family (its level, staleness, ...) between a raise and its clear:
    an alert is delivered once per episode, whichever process sees it."""

    __tablename__ = "alert_episodes"

    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    family: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[int | None] = mapped_column(Integer, _account_fk(), index=True)
    episode: Mapped[int] = mapped_column(Integer)
    open: Mapped[bool] = mapped_column(Boolean)


class AlertDeliveryRow(Base):
    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ux_alert_deliveries_key", "subject", "what", "episode", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(Integer, _account_fk(), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(String(64))  # "raised:critical", "stale", ...
    episode: Mapped[int] = mapped_column(Integer)
    holder: Mapped[str] = mapped_column(String(100))  # who sent it
    at: Mapped[float]
