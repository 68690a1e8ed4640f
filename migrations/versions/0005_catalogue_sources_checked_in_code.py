"""catalogue sources checked in code

The three ``source`` columns lose their CHECK constraint: the list of sources is
``ozgtrack.sources.REGISTRY``, validated in code, so a new source needs no migration.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:03:21.948548
"""

from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ('catalogue_release', 'service_presence', 'ozg_member')
SOURCES = ('leika', 'ozg', 'fim')  # the sources there were when the constraint was dropped


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_source'), type_='check')


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_source'), sa.column('source').in_(SOURCES))
