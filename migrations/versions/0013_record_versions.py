"""record versions

A version per status and triage decision: how many changes of that kind the service has had
(moves included), for the optimistic check that refuses a change based on an outdated state.
Existing rows get the number of their history entries.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 16:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_KINDS = (("service_status", "status"), ("responsibility", "triage"))


def upgrade() -> None:
    for table, action in _KINDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        op.execute(f"""UPDATE {table} SET version = (SELECT count(*) FROM audit_entry a
                       WHERE a.municipality_id = {table}.municipality_id AND a.service_id = {table}.service_id
                       AND a.action IN ('{action}', 'move'))""")


def downgrade() -> None:
    for table, _ in _KINDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
