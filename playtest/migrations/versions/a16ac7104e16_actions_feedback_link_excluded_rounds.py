"""actions (with their status history), the "you said, we did" link, rounds kept out of the
summary

Revision ID: a16ac7104e16
Revises: a17d16e57017
Create Date: 2026-12-04 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import playtest.models


# revision identifiers, used by Alembic.
revision = 'a16ac7104e16'
down_revision = 'a17d16e57017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('playtest_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('origin_session_id', sa.Integer(), nullable=True),
    sa.Column('origin_session_number', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_session_number', sa.Integer(), nullable=True),
    sa.Column('source_ids', sa.JSON(), nullable=False),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.Column('created_at', playtest.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', playtest.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['origin_session_id'], ['sessions.id'], name=op.f('fk_actions_origin_session_id_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['playtest_id'], ['playtests.id'], name=op.f('fk_actions_playtest_id_playtests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_actions_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
    sa.UniqueConstraint('playtest_id', 'client_id', name=op.f('uq_actions_playtest_id_client_id'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_playtest_id'), ['playtest_id'], unique=False)

    # Plain ADD COLUMN, never a batch copy of these tables: on SQLite a batch drops the old
    # table, and with foreign keys on that cascades to every member, session and case.
    op.add_column('playtests', sa.Column('feedback_token', sa.String(length=64), nullable=True))
    op.add_column('playtests', sa.Column('feedback_enabled', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index(op.f('ix_playtests_feedback_token'), 'playtests', ['feedback_token'], unique=True)
    op.add_column('rounds', sa.Column('excluded_from_summary', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('rounds', 'excluded_from_summary')
    op.drop_index(op.f('ix_playtests_feedback_token'), table_name='playtests')
    op.drop_column('playtests', 'feedback_enabled')
    op.drop_column('playtests', 'feedback_token')

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_playtest_id'))

    op.drop_table('actions')
