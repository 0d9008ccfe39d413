"""A council invitation carries a nonce that is replaced on re-sending and cleared on acceptance

Revision ID: invite01
Revises: 38c76c565176
Create Date: 2026-12-02 04:45:00

Invitations pending before this revision have no nonce: their links stop working, and the secretariat
sends them again from the council page.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'invite01'
down_revision = '38c76c565176'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('council_membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_nonce', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('council_membership', schema=None) as batch_op:
        batch_op.drop_column('invitation_nonce')
