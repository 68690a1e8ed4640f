"""pvog evidence releases

Each import of PVOG evidence for an ARS is a release with its entries (LeiKa key, ARS, level, online service).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 13:31:02.265569
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pvog_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ars', sa.String(length=12), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('etag', sa.String(length=200), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('data_date', sa.DateTime(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('not_applicable', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pvog_release'))
    )
    with op.batch_alter_table('pvog_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pvog_release_ars_format'), ['ars', 'format'], unique=False)

    op.create_table('pvog_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('leika_key', sa.String(length=14), nullable=False),
    sa.Column('ars', sa.String(length=12), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('service_name', sa.Text(), nullable=False),
    sa.Column('lb_id', sa.String(length=200), nullable=True),
    sa.Column('od_id', sa.String(length=200), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('provider', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['pvog_release.id'], name=op.f('fk_pvog_entry_release_id_pvog_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pvog_entry'))
    )
    with op.batch_alter_table('pvog_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pvog_entry_leika_key'), ['leika_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_pvog_entry_release_id'), ['release_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pvog_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pvog_entry_release_id'))
        batch_op.drop_index(batch_op.f('ix_pvog_entry_leika_key'))

    op.drop_table('pvog_entry')
    with op.batch_alter_table('pvog_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pvog_release_ars_format'))

    op.drop_table('pvog_release')
