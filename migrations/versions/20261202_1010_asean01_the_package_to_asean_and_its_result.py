"""The package to ASEAN and its result: the round's call, the nominees' English supplements and their files,
ASEAN's result per entry, and honoured names that refuse a later dossier

Revision ID: asean01
Revises: mailconf01
Create Date: 2026-12-02 10:10:00

"""
from alembic import op
import sqlalchemy as sa

import award_app.columns


# revision identifiers, used by Alembic.
revision = 'asean01'
down_revision = 'mailconf01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('asean_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('supplement_due_on', sa.Date(), nullable=True),
    sa.Column('organiser_en', award_app.columns.NFCText(length=200), nullable=False),
    sa.Column('addressee', award_app.columns.NFCText(length=300), nullable=False),
    sa.Column('signer_name', award_app.columns.NFCText(length=200), nullable=False),
    sa.Column('signer_title', award_app.columns.NFCText(length=200), nullable=False),
    sa.Column('exclude_winners', sa.Boolean(), nullable=False),
    sa.Column('requested_at', award_app.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('supplement_due_on IS NULL OR deadline IS NULL OR supplement_due_on < deadline', name=op.f('ck_asean_call_supplement_before_deadline')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_asean_call_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asean_call')),
    sa.UniqueConstraint('round_id', name=op.f('uq_asean_call_round_id'))
    )
    op.create_table('asean_requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', award_app.columns.NFCText(length=200), nullable=False),
    sa.Column('name_en', award_app.columns.NFCText(length=200), nullable=False),
    sa.Column('asean_name', sa.String(length=60), nullable=False),
    sa.Column('accepted', sa.String(length=60), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('max_count', sa.Integer(), nullable=True),
    sa.Column('national_item', sa.String(length=40), nullable=False),
    sa.Column('needs_author', sa.Boolean(), nullable=False),
    sa.CheckConstraint('max_count IS NULL OR max_count >= min_count', name=op.f('ck_asean_requirement_max_count')),
    sa.CheckConstraint('min_count >= 0', name=op.f('ck_asean_requirement_min_count')),
    sa.ForeignKeyConstraint(['call_id'], ['asean_call.id'], name=op.f('fk_asean_requirement_call_id_asean_call'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asean_requirement')),
    sa.UniqueConstraint('call_id', 'code', name=op.f('uq_asean_requirement_call_id_code'))
    )
    with op.batch_alter_table('asean_requirement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asean_requirement_call_id'), ['call_id'], unique=False)

    op.create_table('asean_supplement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('requested', 'sent', name='supplementstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', award_app.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('english', sa.JSON(), nullable=False),
    sa.Column('english_by', sa.JSON(), nullable=False),
    sa.Column('sent_at', award_app.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', award_app.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['asean_call.id'], name=op.f('fk_asean_supplement_call_id_asean_call')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_asean_supplement_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_asean_supplement_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asean_supplement')),
    sa.UniqueConstraint('nomination_id', name=op.f('uq_asean_supplement_nomination_id'))
    )
    with op.batch_alter_table('asean_supplement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asean_supplement_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asean_supplement_requested_by_id'), ['requested_by_id'], unique=False)

    op.create_table('asean_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplement_id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('original_name', award_app.columns.NFCText(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('pdf', 'jpeg', 'png', 'docx', name='documentkind', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('author', award_app.columns.NFCText(length=200), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', award_app.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_secretariat', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_asean_document_size')),
    sa.ForeignKeyConstraint(['requirement_id'], ['asean_requirement.id'], name=op.f('fk_asean_document_requirement_id_asean_requirement')),
    sa.ForeignKeyConstraint(['supplement_id'], ['asean_supplement.id'], name=op.f('fk_asean_document_supplement_id_asean_supplement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_asean_document_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asean_document'))
    )
    with op.batch_alter_table('asean_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asean_document_requirement_id'), ['requirement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asean_document_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_asean_document_supplement_id'), ['supplement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asean_document_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('asean_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('award', 'certificate_of_recognition', 'not_selected', name='aseanoutcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('cor_category', sa.String(length=40), nullable=False),
    sa.Column('size_class', sa.String(length=10), nullable=False),
    sa.Column('meeting', award_app.columns.NFCText(length=300), nullable=False),
    sa.Column('reference', award_app.columns.NFCText(length=100), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('honoured_name_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', award_app.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("meeting <> '' AND reference <> ''", name=op.f('ck_asean_result_meeting_and_reference')),
    sa.CheckConstraint("outcome <> 'certificate_of_recognition' OR (cor_category <> '' AND size_class IN ('small', 'big'))", name=op.f('ck_asean_result_certificate_has_category_and_size')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_asean_result_entry_id_entry')),
    sa.ForeignKeyConstraint(['honoured_name_id'], ['honoured_name.id'], name=op.f('fk_asean_result_honoured_name_id_honoured_name'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_asean_result_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_asean_result_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asean_result')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_asean_result_entry_id'))
    )
    with op.batch_alter_table('asean_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asean_result_honoured_name_id'), ['honoured_name_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asean_result_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asean_result_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('honoured_name', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refuses', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('identity', sa.String(length=400), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_honoured_name_identity'), ['identity'], unique=False)



def downgrade():
    with op.batch_alter_table('honoured_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_honoured_name_identity'))
        batch_op.drop_column('identity')
        batch_op.drop_column('refuses')

    with op.batch_alter_table('asean_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asean_result_round_id'))
        batch_op.drop_index(batch_op.f('ix_asean_result_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_asean_result_honoured_name_id'))

    op.drop_table('asean_result')
    with op.batch_alter_table('asean_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asean_document_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_asean_document_supplement_id'))
        batch_op.drop_index(batch_op.f('ix_asean_document_sha256'))
        batch_op.drop_index(batch_op.f('ix_asean_document_requirement_id'))

    op.drop_table('asean_document')
    with op.batch_alter_table('asean_supplement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asean_supplement_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_asean_supplement_call_id'))

    op.drop_table('asean_supplement')
    with op.batch_alter_table('asean_requirement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asean_requirement_call_id'))

    op.drop_table('asean_requirement')
    op.drop_table('asean_call')
