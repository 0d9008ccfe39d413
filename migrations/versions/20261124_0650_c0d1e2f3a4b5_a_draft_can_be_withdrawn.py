"""A draft can be withdrawn: it never had a reference and need not get one

Revision ID: c0d1e2f3a4b5
Revises: 9fa68e3ae57d
Create Date: 2026-11-24 06:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c0d1e2f3a4b5'
down_revision = '9fa68e3ae57d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_nomination_reference_after_submission'), type_='check')
        batch_op.create_check_constraint('reference_after_submission',
                                         "state IN ('draft', 'withdrawn') OR reference IS NOT NULL")


def downgrade():
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_nomination_reference_after_submission'), type_='check')
        batch_op.create_check_constraint('reference_after_submission', "state = 'draft' OR reference IS NOT NULL")
