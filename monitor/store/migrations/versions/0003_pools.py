"""Several margin pools per account: the pools of the last refresh, each position's pool, and
the venue's own maintenance per position.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("pools", sa.JSON(), nullable=True))
    op.add_column("positions", sa.Column("pool", sa.String(64), nullable=True))
    op.add_column("positions", sa.Column("exchange_maintenance_margin", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("positions") as batch:
        batch.drop_column("exchange_maintenance_margin")
        batch.drop_column("pool")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("pools")
