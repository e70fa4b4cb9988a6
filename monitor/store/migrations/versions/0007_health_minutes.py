"""Account health per minute (lowest, highest, first gap), so a chart of a day or a week
reads a few thousand rows instead of every second; filled from the rows already stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_health_minutes",
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey(
                "accounts.id",
                ondelete="CASCADE",
                name="fk_account_health_minutes_account_id_accounts",
            ),
            nullable=False,
        ),
        sa.Column("minute", sa.Double(), nullable=False),
        sa.Column("first_at", sa.Double(), nullable=False),
        sa.Column("last_at", sa.Double(), nullable=False),
        sa.Column("low", sa.Double(), nullable=True),
        sa.Column("low_at", sa.Double(), nullable=True),
        sa.Column("high", sa.Double(), nullable=True),
        sa.Column("high_at", sa.Double(), nullable=True),
        sa.Column("gap_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", "minute", name="pk_account_health_minutes"),
    )
    from monitor.store.health_minutes import rebuild_minutes

    rebuild_minutes(op.get_bind())


def downgrade() -> None:
    op.drop_table("account_health_minutes")
