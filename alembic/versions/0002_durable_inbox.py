"""durable inbox: inbound_dedupe keeps the message until it is processed

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_dedupe", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"))
        )
        batch_op.add_column(sa.Column("processed_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.create_index("ix_inbound_dedupe_pending", ["processed_at", "received_at"], unique=False)
    # Rows from before this revision were processed when they were received.
    op.execute("UPDATE inbound_dedupe SET processed_at = received_at")
    with op.batch_alter_table("inbound_dedupe", schema=None) as batch_op:
        batch_op.alter_column("attempts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("inbound_dedupe", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_dedupe_pending")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")
        batch_op.drop_column("processed_at")
        batch_op.drop_column("payload")
