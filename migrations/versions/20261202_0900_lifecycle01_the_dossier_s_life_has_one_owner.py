"""The dossier's life has one owner: "scored" and "proposed", never set, are gone; document requests keep a state

Revision ID: lifecycle01
Revises: sessions01
Create Date: 2026-12-02 09:00:00

Both columns are VARCHAR(32) checked by a named CHECK constraint (no PostgreSQL enum type). A dossier stored as
"scored" or "proposed" was still in the competition: it becomes "under_review", which the ranking and the
approval read exactly as they read those two.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lifecycle01'
down_revision = 'sessions01'
branch_labels = None
depends_on = None

STATES = ('draft', 'submitted', 'endorsed', 'returned', 'missing_documents', 'eligible', 'ineligible',
          'under_review', 'awarded', 'not_selected', 'withdrawn', 'revoked')
OLD_STATES = STATES[:8] + ('scored', 'proposed') + STATES[8:]


def _one_of(column, states):
    return f"{column} IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def upgrade():
    nomination = sa.table('nomination', sa.column('state', sa.String))
    op.execute(nomination.update().where(nomination.c.state.in_(('scored', 'proposed'))).values(state='under_review'))
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_nomination_nominationstate'), type_='check')
        batch_op.create_check_constraint('nominationstate', _one_of('state', STATES))
    with op.batch_alter_table('document_request', schema=None) as batch_op:
        batch_op.create_check_constraint('nominationstate', _one_of('state_before', STATES))


def downgrade():
    with op.batch_alter_table('document_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_document_request_nominationstate'), type_='check')
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_nomination_nominationstate'), type_='check')
        batch_op.create_check_constraint('nominationstate', _one_of('state', OLD_STATES))
