"""plan versions

Staged plans: drafts and adopted versions, their items (stage year, rank, a snapshot of each measure) and history.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=False),
    sa.Column('year_to', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('adopted_by', sa.String(length=100), nullable=True),
    sa.Column('adopted_text', sa.Text(), nullable=True),
    sa.CheckConstraint("state IN ('Entwurf', 'beschlossen')", name=op.f('ck_plan_version_state_known')),
    sa.CheckConstraint('year_from <= year_to', name=op.f('ck_plan_version_years_ordered')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_plan_version_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_version')),
    sa.UniqueConstraint('municipality_id', 'name', name=op.f('uq_plan_version_municipality_id_name'))
    )
    op.create_table('plan_version_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('fixed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('snapshot', sa.JSON(none_as_null=True), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['plan_measure.id'], name=op.f('fk_plan_version_item_measure_id_plan_measure')),
    sa.ForeignKeyConstraint(['version_id'], ['plan_version.id'], name=op.f('fk_plan_version_item_version_id_plan_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_version_item')),
    sa.UniqueConstraint('version_id', 'measure_id', name=op.f('uq_plan_version_item_version_id_measure_id'))
    )
    with op.batch_alter_table('plan_version_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_version_item_measure_id'), ['measure_id'], unique=False)

    op.create_table('plan_version_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['plan_version.id'], name=op.f('fk_plan_version_entry_version_id_plan_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_version_entry'))
    )
    with op.batch_alter_table('plan_version_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_version_entry_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_version_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_version_entry_version_id'))

    op.drop_table('plan_version_entry')
    with op.batch_alter_table('plan_version_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_version_item_measure_id'))

    op.drop_table('plan_version_item')
    op.drop_table('plan_version')
