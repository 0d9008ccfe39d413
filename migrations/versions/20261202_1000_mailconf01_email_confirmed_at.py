"""An account's e-mail address confirmed by a single-use link before its dossiers can be submitted

Revision ID: mailconf01
Revises: mfa0001
Create Date: 2026-12-02 10:00:00

Accounts that exist before this revision are treated as confirmed (since they were created): only accounts
registered from now on confirm their address.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'mailconf01'
down_revision = 'mfa0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE "user" SET email_confirmed_at = created_at')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
