"""link checks

Every check of a status's online URL: ok, broken or unverifiable, with the HTTP answer and where redirects led.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 13:30:50.513758
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('ok', 'broken', 'unverifiable', name='link_state', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('redirects', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_link_check_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_link_check_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_check'))
    )
    with op.batch_alter_table('link_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_check_municipality_id_service_id_checked_at'), ['municipality_id', 'service_id', 'checked_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('link_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_check_municipality_id_service_id_checked_at'))

    op.drop_table('link_check')
