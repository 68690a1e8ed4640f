"""demo municipality

A municipality whose figures ``ozgtrack demo`` invented is marked, so every report made from
them says so (title, footer, mail subject).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('demo')
