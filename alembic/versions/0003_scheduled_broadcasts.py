"""scheduled broadcasts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base
from sqlalchemy.dialects import postgresql


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scheduled_broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=True),
    sa.Column('class_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('to_groups', sa.Boolean(), nullable=False),
    sa.Column('to_graduates', sa.Boolean(), nullable=False),
    sa.Column('send_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_scheduled_broadcasts_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['posting_id'], ['postings.id'], name=op.f('fk_scheduled_broadcasts_posting_id_postings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_broadcasts'))
    )
    with op.batch_alter_table('scheduled_broadcasts', schema=None) as batch_op:
        batch_op.create_index('ix_scheduled_broadcasts_due', ['status', 'send_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheduled_broadcasts_created_by_id'), ['created_by_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scheduled_broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_broadcasts_created_by_id'))
        batch_op.drop_index('ix_scheduled_broadcasts_due')

    op.drop_table('scheduled_broadcasts')
