"""catalogue: releases, LeiKa services, OZG grouping, changes

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 07:28:12.517739
"""

from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalogue_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('leika', 'ozg', 'fim', name='source', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('etag', sa.String(length=200), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('delta_since', sa.DateTime(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('services', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('reappeared', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_release'))
    )
    op.create_table('themenfeld',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themenfeld')),
    sa.UniqueConstraint('slug', name=op.f('uq_themenfeld_slug'))
    )
    op.create_table('lage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('themenfeld_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['themenfeld_id'], ['themenfeld.id'], name=op.f('fk_lage_themenfeld_id_themenfeld')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lage')),
    sa.UniqueConstraint('themenfeld_id', 'name', name=op.f('uq_lage_themenfeld_id_name'))
    )
    op.create_table('leika_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=14), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name2', sa.Text(), nullable=True),
    sa.Column('typisierung_raw', sa.String(length=100), nullable=True),
    sa.Column('typisierung', sa.String(length=100), nullable=True),
    sa.Column('gruppierung', sa.String(length=3), nullable=False),
    sa.Column('kennung', sa.String(length=3), nullable=False),
    sa.Column('verrichtung', sa.String(length=3), nullable=False),
    sa.Column('detail', sa.String(length=3), nullable=False),
    sa.Column('leistungsobjekt_id', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.Enum('LO', 'LOV', 'LOVD', name='service_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=True),
    sa.Column('features', sa.JSON(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('first_release_id', sa.Integer(), nullable=False),
    sa.Column('last_release_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_release_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['first_release_id'], ['catalogue_release.id'], name=op.f('fk_leika_service_first_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['last_release_id'], ['catalogue_release.id'], name=op.f('fk_leika_service_last_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['withdrawn_release_id'], ['catalogue_release.id'], name=op.f('fk_leika_service_withdrawn_release_id_catalogue_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leika_service')),
    sa.UniqueConstraint('key', name=op.f('uq_leika_service_key'))
    )
    with op.batch_alter_table('leika_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leika_service_leistungsobjekt_id'), ['leistungsobjekt_id'], unique=False)

    op.create_table('ozg_leistung',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ozg_id', sa.String(length=10), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('themenfeld_id', sa.Integer(), nullable=True),
    sa.Column('lage_id', sa.Integer(), nullable=True),
    sa.Column('first_release_id', sa.Integer(), nullable=False),
    sa.Column('last_release_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_release_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['first_release_id'], ['catalogue_release.id'], name=op.f('fk_ozg_leistung_first_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['lage_id'], ['lage.id'], name=op.f('fk_ozg_leistung_lage_id_lage')),
    sa.ForeignKeyConstraint(['last_release_id'], ['catalogue_release.id'], name=op.f('fk_ozg_leistung_last_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['themenfeld_id'], ['themenfeld.id'], name=op.f('fk_ozg_leistung_themenfeld_id_themenfeld')),
    sa.ForeignKeyConstraint(['withdrawn_release_id'], ['catalogue_release.id'], name=op.f('fk_ozg_leistung_withdrawn_release_id_catalogue_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ozg_leistung')),
    sa.UniqueConstraint('ozg_id', name=op.f('uq_ozg_leistung_ozg_id'))
    )
    op.create_table('service_presence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('leika', 'ozg', 'fim', name='source', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('first_release_id', sa.Integer(), nullable=False),
    sa.Column('last_release_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_release_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['first_release_id'], ['catalogue_release.id'], name=op.f('fk_service_presence_first_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['last_release_id'], ['catalogue_release.id'], name=op.f('fk_service_presence_last_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_service_presence_service_id_leika_service')),
    sa.ForeignKeyConstraint(['withdrawn_release_id'], ['catalogue_release.id'], name=op.f('fk_service_presence_withdrawn_release_id_catalogue_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_presence')),
    sa.UniqueConstraint('service_id', 'source', name=op.f('uq_service_presence_service_id_source'))
    )
    op.create_table('catalogue_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('ozg_leistung_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('added', 'changed', 'withdrawn', 'reappeared', name='change_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=True),
    sa.CheckConstraint('service_id IS NOT NULL OR ozg_leistung_id IS NOT NULL', name=op.f('ck_catalogue_change_subject')),
    sa.ForeignKeyConstraint(['ozg_leistung_id'], ['ozg_leistung.id'], name=op.f('fk_catalogue_change_ozg_leistung_id_ozg_leistung')),
    sa.ForeignKeyConstraint(['release_id'], ['catalogue_release.id'], name=op.f('fk_catalogue_change_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_catalogue_change_service_id_leika_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_change'))
    )
    with op.batch_alter_table('catalogue_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_change_release_id'), ['release_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_change_service_id'), ['service_id'], unique=False)

    op.create_table('ozg_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('leika', 'ozg', 'fim', name='source', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('ozg_leistung_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('member_ref', sa.String(length=40), nullable=False),
    sa.Column('leika_name', sa.Text(), nullable=False),
    sa.Column('first_release_id', sa.Integer(), nullable=False),
    sa.Column('last_release_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_release_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['first_release_id'], ['catalogue_release.id'], name=op.f('fk_ozg_member_first_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['last_release_id'], ['catalogue_release.id'], name=op.f('fk_ozg_member_last_release_id_catalogue_release')),
    sa.ForeignKeyConstraint(['ozg_leistung_id'], ['ozg_leistung.id'], name=op.f('fk_ozg_member_ozg_leistung_id_ozg_leistung')),
    sa.ForeignKeyConstraint(['service_id'], ['leika_service.id'], name=op.f('fk_ozg_member_service_id_leika_service')),
    sa.ForeignKeyConstraint(['withdrawn_release_id'], ['catalogue_release.id'], name=op.f('fk_ozg_member_withdrawn_release_id_catalogue_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ozg_member')),
    sa.UniqueConstraint('source', 'ozg_leistung_id', 'member_ref', name=op.f('uq_ozg_member_source_ozg_leistung_id_member_ref'))
    )
    with op.batch_alter_table('ozg_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ozg_member_service_id'), ['service_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ozg_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ozg_member_service_id'))

    op.drop_table('ozg_member')
    with op.batch_alter_table('catalogue_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_change_service_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_change_release_id'))

    op.drop_table('catalogue_change')
    op.drop_table('service_presence')
    op.drop_table('ozg_leistung')
    with op.batch_alter_table('leika_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leika_service_leistungsobjekt_id'))

    op.drop_table('leika_service')
    op.drop_table('lage')
    op.drop_table('themenfeld')
    op.drop_table('catalogue_release')
