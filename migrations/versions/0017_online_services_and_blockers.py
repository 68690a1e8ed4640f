"""online services and blockers

The town's register of online services (``online_service``): what citizens use, the LeiKa services each
covers (``online_cover``), its building blocks, and every change (``online_entry``). A status records the
online service its stage, URL and department came from (``service_status.online_service_id``). Why a gap
is still open: ``service_blocker`` (codes of ``catalog/blockers.toml``, cleared, never deleted); a measure
can name the blocker it removes (``plan_measure.blocker``).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-15 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('online_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('delivery', sa.Enum('eigen', 'efa', 'land', 'zsa', 'kreis', 'anbieter', name='delivery', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('model', sa.Enum('rgm1', 'rgm2', name='maturity_model', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('stage', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=True),
    sa.Column('live_since', sa.Date(), nullable=True),
    sa.Column('account', sa.Enum('bundid', 'servicekonto', 'keins', name='account', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('payment', sa.Enum('epaybl', 'anderes', 'keins', 'nicht-noetig', name='payment', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('reply', sa.Enum('postfach', 'fit-connect', 'email', 'brief', name='reply', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('intake', sa.Enum('fit-connect', 'xta', 'email', 'papier', 'fachverfahren', name='intake', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('system', sa.String(length=200), nullable=True),
    sa.Column('contract', sa.String(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.Column('retired_by', sa.String(length=100), nullable=True),
    sa.CheckConstraint("(stage IS NULL AND model IS NULL) OR (model = 'rgm1' AND stage BETWEEN 0 AND 4) OR (model = 'rgm2' AND stage BETWEEN 0 AND 7)", name=op.f('ck_online_service_stage_in_model')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_online_service_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_service')),
    sa.UniqueConstraint('municipality_id', 'number', name=op.f('uq_online_service_municipality_id_number'))
    )
    op.create_table('online_cover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('online_service_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['online_service_id'], ['online_service.id'], name=op.f('fk_online_cover_online_service_id_online_service')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_online_cover_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_cover')),
    sa.UniqueConstraint('online_service_id', 'service_id', name=op.f('uq_online_cover_online_service_id_service_id'))
    )
    with op.batch_alter_table('online_cover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_cover_service_id'), ['service_id'], unique=False)

    op.create_table('online_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('online_service_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['online_service_id'], ['online_service.id'], name=op.f('fk_online_entry_online_service_id_online_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_entry'))
    )
    with op.batch_alter_table('online_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_entry_online_service_id'), ['online_service_id'], unique=False)

    op.create_table('service_blocker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.Column('set_by', sa.String(length=100), nullable=False),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.Column('cleared_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_service_blocker_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_service_blocker_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_blocker'))
    )
    with op.batch_alter_table('service_blocker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_blocker_municipality_id_service_id'), ['municipality_id', 'service_id'], unique=False)

    with op.batch_alter_table('plan_measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocker', sa.String(length=16), nullable=True))

    with op.batch_alter_table('service_status', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_service_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_service_status_online_service_id_online_service'), 'online_service', ['online_service_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('service_status', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_service_status_online_service_id_online_service'), type_='foreignkey')
        batch_op.drop_column('online_service_id')

    with op.batch_alter_table('plan_measure', schema=None) as batch_op:
        batch_op.drop_column('blocker')

    with op.batch_alter_table('service_blocker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_blocker_municipality_id_service_id'))

    op.drop_table('service_blocker')
    with op.batch_alter_table('online_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_entry_online_service_id'))

    op.drop_table('online_entry')
    with op.batch_alter_table('online_cover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_cover_service_id'))

    op.drop_table('online_cover')
    op.drop_table('online_service')
