"""baselines

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 08:03:17.917726
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.JSON(none_as_null=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_baseline_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline')),
    sa.UniqueConstraint('municipality_id', 'name', name=op.f('uq_baseline_municipality_id_name'))
    )
    op.create_table('baseline_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('baseline_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=14), nullable=False),
    sa.Column('applicability', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=True),
    sa.Column('model', sa.String(length=16), nullable=True),
    sa.Column('stage', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['baseline_id'], ['baseline.id'], name=op.f('fk_baseline_entry_baseline_id_baseline')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_baseline_entry_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_entry')),
    sa.UniqueConstraint('baseline_id', 'service_id', name=op.f('uq_baseline_entry_baseline_id_service_id'))
    )
    with op.batch_alter_table('baseline_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baseline_entry_service_id'), ['service_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('baseline_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baseline_entry_service_id'))

    op.drop_table('baseline_entry')
    op.drop_table('baseline')
