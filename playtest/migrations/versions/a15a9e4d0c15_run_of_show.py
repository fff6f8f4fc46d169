"""run of show: a session's first start, last undoable timer action, own agenda, ready check and after-ratings; runs ended by undo

Existing sessions get their first start from their earliest segment run. Their agenda stays
empty (null): it is the playbook's until a facilitator edits it.

Revision ID: a15a9e4d0c15
Revises: a16ac7104e16
Create Date: 2026-12-04 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import playtest.models


# revision identifiers, used by Alembic.
revision = 'a15a9e4d0c15'
down_revision = 'a16ac7104e16'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', playtest.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('undo', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('agenda', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ready_check', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('after_open', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('segment_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_by', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE sessions SET started_at = (SELECT MIN(segment_runs.started_at) FROM segment_runs"
        " WHERE segment_runs.session_id = sessions.id)"
    )


def downgrade():
    with op.batch_alter_table('segment_runs', schema=None) as batch_op:
        batch_op.drop_column('ended_by')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('after_open')
        batch_op.drop_column('ready_check')
        batch_op.drop_column('agenda')
        batch_op.drop_column('undo')
        batch_op.drop_column('started_at')
