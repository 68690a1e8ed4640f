"""town view: municipalities, responsibility, status, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 07:49:32.167326
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ars', sa.String(length=12), nullable=False),
    sa.Column('ags', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('land', sa.String(length=2), nullable=False),
    sa.Column('kreis_ars', sa.String(length=12), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality')),
    sa.UniqueConstraint('ars', name=op.f('uq_municipality_ars'))
    )
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_ags'), ['ags'], unique=False)
        batch_op.create_index(batch_op.f('ix_municipality_kreis_ars'), ['kreis_ars'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('action', sa.Enum('triage', 'status', 'move', name='audit_action', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('changes', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_audit_entry_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_audit_entry_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_municipality_id_service_id'), ['municipality_id', 'service_id'], unique=False)

    op.create_table('responsibility',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('gemeinde', 'landkreis', 'land', 'bund', 'unklar', name='level', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_responsibility_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_responsibility_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responsibility')),
    sa.UniqueConstraint('municipality_id', 'service_id', name=op.f('uq_responsibility_municipality_id_service_id'))
    )
    with op.batch_alter_table('responsibility', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responsibility_service_id'), ['service_id'], unique=False)

    op.create_table('service_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.Enum('rgm1', 'rgm2', name='maturity_model', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('stage', sa.Integer(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('portal', sa.String(length=200), nullable=True),
    sa.Column('efa_solution', sa.String(length=200), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('planned', sa.String(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('verified_at', sa.Date(), nullable=True),
    sa.Column('verified_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.CheckConstraint("(stage IS NULL AND model IS NULL) OR (model = 'rgm1' AND stage BETWEEN 0 AND 4) OR (model = 'rgm2' AND stage BETWEEN 0 AND 7)", name=op.f('ck_service_status_stage_in_model')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_service_status_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_service_status_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_status')),
    sa.UniqueConstraint('municipality_id', 'service_id', name=op.f('uq_service_status_municipality_id_service_id'))
    )
    with op.batch_alter_table('service_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_status_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_status_service_id'), ['service_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('service_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_status_service_id'))
        batch_op.drop_index(batch_op.f('ix_service_status_department'))

    op.drop_table('service_status')
    with op.batch_alter_table('responsibility', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responsibility_service_id'))

    op.drop_table('responsibility')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_municipality_id_service_id'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_kreis_ars'))
        batch_op.drop_index(batch_op.f('ix_municipality_ags'))

    op.drop_table('municipality')
