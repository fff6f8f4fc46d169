"""session digests hold the cases' journeys (the process map, DESIGN.md §11)

Digests are a cache: the old ones (format 1) are dropped and rebuilt on the next summary.

Revision ID: a17d16e57017
Revises: be498cd3d696
Create Date: 2026-12-04 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17d16e57017'
down_revision = 'be498cd3d696'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("DELETE FROM session_digests"))
    with op.batch_alter_table('session_digests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('journeys', sa.LargeBinary(), nullable=False))


def downgrade():
    op.execute(sa.text("DELETE FROM session_digests"))
    with op.batch_alter_table('session_digests', schema=None) as batch_op:
        batch_op.drop_column('journeys')
