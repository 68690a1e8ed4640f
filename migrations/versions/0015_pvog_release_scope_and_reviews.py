"""pvog release scope, withdrawal and reviews

A PVOG release says whether it is a complete listing for its ARS (only such a listing can show
that an online service is missing), who imported it, and whether it was withdrawn
(`ozgtrack pvog remove`). The town's verdicts on findings are kept in `pvog_review`. Each entry keeps the
date its row states, so a finding is dated by its own row, not by the newest row of its file.

Releases made before this revision: the per-ARS Suchdienst CSV and the dashboard export were
complete listings; the overview of a Kommune and the detail JSON were samples, so they no longer
produce "nicht gemeldet".

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 19:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pvog_release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complete', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('imported_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by', sa.String(length=100), nullable=True))
    with op.batch_alter_table('pvog_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stated', sa.DateTime(), nullable=True))
    release = sa.table('pvog_release', sa.column('format', sa.String), sa.column('complete', sa.Boolean))
    op.execute(release.update().where(release.c.format.in_(['suchdienst-csv', 'dashboard'])).values(complete=True))
    op.create_table('pvog_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('pvog_url', sa.Text(), nullable=True),
    sa.Column('verdict', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_pvog_review_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_pvog_review_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pvog_review'))
    )
    with op.batch_alter_table('pvog_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pvog_review_municipality_id_service_id'), ['municipality_id', 'service_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pvog_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pvog_review_municipality_id_service_id'))
    op.drop_table('pvog_review')
    with op.batch_alter_table('pvog_entry', schema=None) as batch_op:
        batch_op.drop_column('stated')
    with op.batch_alter_table('pvog_release', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_by')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('imported_by')
        batch_op.drop_column('complete')
