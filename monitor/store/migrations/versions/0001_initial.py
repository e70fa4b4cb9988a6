"""Initial schema: accounts, positions, market data, health and mark history.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Frozen: a migration describes the schema as it was, so it never imports the models.
tests/data/store/schema-0001.sqlite was made by this revision alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

HISTORY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _account_fk() -> sa.ForeignKey:
    return sa.ForeignKey("accounts.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("venue", sa.String(64), nullable=True),
        sa.Column("collateral", sa.String(32), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("credentials_ref", sa.String(200), nullable=True),
        sa.Column("warning", sa.Double(), nullable=False),
        sa.Column("critical", sa.Double(), nullable=False),
        sa.Column("liquidation", sa.Double(), nullable=False),
        sa.Column("stale_after", sa.Double(), nullable=False),
        sa.Column("wallet_balance", sa.Double(), nullable=True),
        sa.Column("exchange_health_ratio", sa.Double(), nullable=True),
        sa.Column("positions_fetched_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("name", name="uq_accounts_name"),
    )
    op.create_table(
        "positions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), _account_fk(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("symbol", sa.String(100), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("contracts", sa.Double(), nullable=False),
        sa.Column("contract_size", sa.Double(), nullable=False),
        sa.Column("inverse", sa.Boolean(), nullable=False),
        sa.Column("entry_price", sa.Double(), nullable=False),
        sa.Column("mark_price", sa.Double(), nullable=False),
        sa.Column("margin_mode", sa.String(16), nullable=False),
        sa.Column("isolated_margin", sa.Double(), nullable=True),
        sa.Column("leverage", sa.Double(), nullable=True),
        sa.Column("maintenance_kind", sa.String(16), nullable=False),
        sa.Column("maintenance_tiers", sa.JSON(), nullable=False),
        sa.Column("max_leverage", sa.Double(), nullable=True),
        sa.Column("amounts_given", sa.Boolean(), nullable=False),
        sa.Column("maintenance_basis", sa.String(8), nullable=False),
        sa.Column("close_fee_rate", sa.Double(), nullable=False),
        sa.Column("exchange_liquidation_price", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_positions"),
    )
    op.create_index("ix_positions_account_id", "positions", ["account_id"])
    for table in ("market_marks", "market_tiers"):
        value = (
            sa.Column("price", sa.Double(), nullable=False)
            if table == "market_marks"
            else sa.Column("tiers", sa.JSON(), nullable=False)
        )
        op.create_table(
            table,
            sa.Column("venue", sa.String(64), nullable=False),
            sa.Column("symbol", sa.String(100), nullable=False),
            value,
            sa.Column("fetched_at", sa.Double(), nullable=False),
            sa.PrimaryKeyConstraint("venue", "symbol", name=f"pk_{table}"),
        )
    op.create_table(
        "account_health",
        sa.Column("id", HISTORY_ID, primary_key=True),
        sa.Column("account_id", sa.Integer(), _account_fk(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("margin_balance", sa.Double(), nullable=False),
        sa.Column("maintenance", sa.Double(), nullable=False),
        sa.Column("health_ratio", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_account_health"),
    )
    op.create_index("ix_account_health_account_at", "account_health", ["account_id", "at"])
    op.create_table(
        "position_marks",
        sa.Column("id", HISTORY_ID, primary_key=True),
        sa.Column("account_id", sa.Integer(), _account_fk(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("symbol", sa.String(100), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("mark", sa.Double(), nullable=False),
        sa.Column("liquidation_price", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_position_marks"),
    )
    op.create_index("ix_position_marks_account_at", "position_marks", ["account_id", "at"])


def downgrade() -> None:
    op.drop_table("position_marks")
    op.drop_table("account_health")
    op.drop_table("market_tiers")
    op.drop_table("market_marks")
    op.drop_table("positions")
    op.drop_table("accounts")
