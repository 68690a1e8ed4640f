"""mail outbox replaced reports

An unsent report that a newer one of the same kind, period and recipients replaced points to it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:11:39.673057
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_mail_message_replaced_by_id_mail_message'), 'mail_message', ['replaced_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mail_message_replaced_by_id_mail_message'), type_='foreignkey')
        batch_op.drop_column('replaced_by_id')
