"""Why a position cannot be judged, as its source said (e.g. the venue has no maintenance
table for its symbol): one nullable text per position (None: it can be judged).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("positions", sa.Column("unknown", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("positions") as batch:
        batch.drop_column("unknown")
