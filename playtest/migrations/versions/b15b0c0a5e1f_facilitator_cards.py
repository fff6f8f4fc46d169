"""facilitator cards: a card's participant may be null when a facilitator posted it from the console

Revision ID: b15b0c0a5e1f
Revises: a15a9e4d0c15
Create Date: 2026-12-04 03:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b15b0c0a5e1f'
down_revision = 'a15a9e4d0c15'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_user_id', sa.Integer(), nullable=True))
        batch_op.alter_column('participant_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_reflections_author_user_id_users'), 'users', ['author_user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(batch_op.f('uq_reflections_author_user_id_client_id'), ['author_user_id', 'client_id'])


def downgrade():
    op.execute("DELETE FROM reflections WHERE participant_id IS NULL")
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_reflections_author_user_id_client_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_reflections_author_user_id_users'), type_='foreignkey')
        batch_op.alter_column('participant_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('author_user_id')
