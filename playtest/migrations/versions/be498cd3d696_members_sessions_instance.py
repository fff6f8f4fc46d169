"""playtest members, admin role, session versions, set-password links, token hints, instance id

Upgrading keeps access (DESIGN.md §12): each playtest's creator becomes its owner; a playtest
with no known creator gets every facilitator account as owner (and every observer account as
observer, who could read it before). The first facilitator account becomes the admin when
there is none. Each playbook family whose first version has a known uploader becomes that
account's family. The instance gets its id (the Socket.IO channel and Redis key namespace).

Revision ID: be498cd3d696
Revises: fabf9b19e20a
Create Date: 2026-11-24 09:00:00.000000

"""
import secrets
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import playtest.models


# revision identifiers, used by Alembic.
revision = 'be498cd3d696'
down_revision = 'fabf9b19e20a'
branch_labels = None
depends_on = None

FAMILY_SLUG_MAX = 180


def upgrade():
    op.create_table('instance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', playtest.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instance'))
    )
    op.create_table('password_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', playtest.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', playtest.models.UTCDateTime(), nullable=False),
    sa.Column('used_at', playtest.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_links_token_hash'))
    )
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_links_user_id'), ['user_id'], unique=False)

    op.create_table('playtest_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('playtest_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('added_at', playtest.models.UTCDateTime(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_playtest_members_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['playtest_id'], ['playtests.id'], name=op.f('fk_playtest_members_playtest_id_playtests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_playtest_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playtest_members')),
    sa.UniqueConstraint('playtest_id', 'user_id', name=op.f('uq_playtest_members_playtest_id_user_id'))
    )
    with op.batch_alter_table('playtest_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playtest_members_playtest_id'), ['playtest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_playtest_members_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hint', sa.String(length=12), nullable=True))

    _keep_access()


def _keep_access():
    """The data half: admin, owners and members, account-owned families, the instance id."""
    conn = op.get_bind()
    now = datetime.now(UTC)
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('role', sa.String))
    playtests = sa.table('playtests', sa.column('id', sa.Integer), sa.column('created_by_id', sa.Integer))
    members = sa.table(
        'playtest_members',
        sa.column('playtest_id', sa.Integer),
        sa.column('user_id', sa.Integer),
        sa.column('role', sa.String),
        sa.column('added_at', playtest.models.UTCDateTime),
    )
    playbooks = sa.table(
        'playbooks',
        sa.column('id', sa.Integer),
        sa.column('family', sa.String),
        sa.column('version', sa.Integer),
        sa.column('created_by_id', sa.Integer),
    )
    instance = sa.table(
        'instance',
        sa.column('id', sa.Integer),
        sa.column('instance_id', sa.String),
        sa.column('created_at', playtest.models.UTCDateTime),
    )

    accounts = conn.execute(sa.select(users.c.id, users.c.role).order_by(users.c.id)).all()
    if accounts and not any(role == 'admin' for _id, role in accounts):
        first = next((uid for uid, role in accounts if role == 'facilitator'), None)
        if first is not None:
            conn.execute(users.update().where(users.c.id == first).values(role='admin'))
            accounts = [(uid, 'admin' if uid == first else role) for uid, role in accounts]
    known = {uid for uid, _role in accounts}
    everyone = [
        (uid, 'observer' if role == 'observer' else 'owner') for uid, role in accounts
    ]
    rows = []
    for playtest_id, creator in conn.execute(sa.select(playtests.c.id, playtests.c.created_by_id)):
        grant = [(creator, 'owner')] if creator in known else everyone
        rows += [
            {'playtest_id': playtest_id, 'user_id': uid, 'role': role, 'added_at': now}
            for uid, role in grant
        ]
    if rows:
        conn.execute(members.insert(), rows)

    families = {}
    for family, version, creator in conn.execute(
        sa.select(playbooks.c.family, playbooks.c.version, playbooks.c.created_by_id)
        .order_by(playbooks.c.family, playbooks.c.version)
    ):
        families.setdefault(family, creator)
    for family, creator in families.items():
        if creator is not None and '@' not in family:
            conn.execute(
                playbooks.update()
                .where(playbooks.c.family == family)
                .values(family=f'{family[:FAMILY_SLUG_MAX]}@{creator}')
            )

    conn.execute(instance.insert().values(id=1, instance_id=secrets.token_hex(8), created_at=now))


def downgrade():
    # Families keep their "@<account>" suffix: the earlier code reads it as a plain key, and
    # stripping it could make two families' versions collide.
    conn = op.get_bind()
    users = sa.table('users', sa.column('role', sa.String))
    conn.execute(users.update().where(users.c.role == 'admin').values(role='facilitator'))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('hint')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
    with op.batch_alter_table('playtest_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_playtest_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_playtest_members_playtest_id'))
    op.drop_table('playtest_members')
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_links_user_id'))
    op.drop_table('password_links')
    op.drop_table('instance')
