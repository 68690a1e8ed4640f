"""town bundle imports

Which town bundles were merged into the database, by whom (`ozgtrack import town`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('town_bundle_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.Column('exported_by', sa.String(length=100), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=100), nullable=False),
    sa.Column('services', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('conflicts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_town_bundle_import_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_town_bundle_import'))
    )
    with op.batch_alter_table('town_bundle_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_town_bundle_import_municipality_id'), ['municipality_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('town_bundle_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_town_bundle_import_municipality_id'))
    op.drop_table('town_bundle_import')
