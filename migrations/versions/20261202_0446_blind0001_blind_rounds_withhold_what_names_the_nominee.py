"""blind rounds withhold what names the nominee: a flag for files that cannot be cleaned, and the
nomination form, the eco-school registration form and the publications marked identifying

Revision ID: blind0001
Revises: invite01
Create Date: 2026-12-02 04:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'blind0001'
down_revision = 'invite01'
branch_labels = None
depends_on = None

# The rule book withholds names, school, nominator and referees: these items name them.
IDENTIFYING = ('nomination_form', 'registration_form', 'publications')


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cannot_be_cleaned', sa.Boolean(), server_default=sa.false(), nullable=False))
    checklist_item = sa.table('checklist_item', sa.column('code', sa.String), sa.column('identifying', sa.Boolean))
    op.execute(checklist_item.update().where(checklist_item.c.code.in_(IDENTIFYING)).values(identifying=True))


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('cannot_be_cleaned')
