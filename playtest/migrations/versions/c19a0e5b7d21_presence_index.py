"""presence counts from one covering index on connections

Revision ID: c19a0e5b7d21
Revises: b15b0c0a5e1f
Create Date: 2026-12-04 19:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c19a0e5b7d21'
down_revision = 'b15b0c0a5e1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_connections_presence',
        'connections',
        ['session_id', 'role', 'kind', 'attendance_id', 'user_id', 'seen_at'],
    )
    op.drop_index('ix_connections_session_id', table_name='connections')  # its first column
    # Connections record their attendance's role from now on; bring open ones up to date.
    op.execute(
        "UPDATE connections SET role = (SELECT role FROM attendances"
        " WHERE attendances.id = connections.attendance_id) WHERE attendance_id IS NOT NULL"
    )


def downgrade():
    op.create_index('ix_connections_session_id', 'connections', ['session_id'], unique=False)
    op.drop_index('ix_connections_presence', table_name='connections')
