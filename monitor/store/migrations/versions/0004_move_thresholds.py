"""Alert levels by the market move that liquidates, per account: two nullable fractions of
the price (rows written before them read as the defaults, 3 % warning and 1 % critical).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("move_warning", sa.Double(), nullable=True))
    op.add_column("accounts", sa.Column("move_critical", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("move_critical")
        batch.drop_column("move_warning")
