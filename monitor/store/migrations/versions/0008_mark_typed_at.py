"""When a typed (manual or what-if) position's mark was typed, so the window and `check` can
say "mark typed 3 h ago": epoch seconds, None for a mark read from a venue, or typed before
this revision (its time was never kept).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("positions", sa.Column("mark_typed_at", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("positions") as batch:
        batch.drop_column("mark_typed_at")
