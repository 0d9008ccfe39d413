"""The second factor: an authenticator app's sealed secret per account, recovery codes, and when each session
last passed it

Revision ID: mfa0001
Revises: lifecycle01
Create Date: 2026-12-02 09:30:00

Accounts of staff, jurors and endorsers set up the authenticator app at their next sign-in.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'mfa0001'
down_revision = 'lifecycle01'
branch_labels = None
depends_on = None

SESSION_ENDS = ['signed_out', 'idle', 'lifetime', 'ended_by_user', 'password_changed', 'password_reset', 'disabled',
                'account_deleted']


def _session_end_check(values: list[str]) -> str:
    return "end_reason IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('totp_enrolled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_at', sa.DateTime(timezone=True), nullable=True))
        # A session may now end because an administrator reset the account's second factor.
        batch_op.drop_constraint(op.f('ck_user_session_sessionend'), type_='check')
        batch_op.create_check_constraint('sessionend', _session_end_check(SESSION_ENDS + ['second_factor_reset']))


def downgrade():
    op.execute("UPDATE user_session SET end_reason = 'disabled' WHERE end_reason = 'second_factor_reset'")
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_session_sessionend'), type_='check')
        batch_op.create_check_constraint('sessionend', _session_end_check(SESSION_ENDS))
        batch_op.drop_column('second_factor_at')

    # Not a batch: on SQLite it would copy "user" into a new table and drop the old one, which deletes every
    # row that refers to an account (ON DELETE CASCADE, foreign keys on). SQLite 3.35+ drops a column in place.
    for column in ('totp_last_step', 'totp_enrolled_at', 'totp_secret'):
        op.drop_column('user', column)

    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
