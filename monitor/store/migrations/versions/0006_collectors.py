"""Collectors sharing one database: a lease per account (which collector polls it, until
when), each collector's heartbeat, and alert deliveries claimed once per alert episode.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _account_id(nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "account_id",
        sa.Integer(),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "collectors",
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("holder", name="pk_collectors"),
    )
    op.create_table(
        "account_leases",
        _account_id(nullable=False),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_account_leases"),
    )
    op.create_table(
        "alert_episodes",
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        _account_id(nullable=True),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "family", name="pk_alert_episodes"),
    )
    op.create_index("ix_alert_episodes_account_id", "alert_episodes", ["account_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        _account_id(nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("what", sa.String(64), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_deliveries"),
    )
    op.create_index("ix_alert_deliveries_account_id", "alert_deliveries", ["account_id"])
    op.create_index(
        "ux_alert_deliveries_key", "alert_deliveries", ["subject", "what", "episode"], unique=True
    )


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_episodes")
    op.drop_table("account_leases")
    op.drop_table("collectors")
