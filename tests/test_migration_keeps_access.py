"""Upgrading to playtest members keeps everyone's access (DESIGN.md §12)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from playtest.extensions import db

BEFORE_MEMBERS = "fabf9b19e20a"
NOW = "2026-01-05 09:00:00"


def rows(sql: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(sa.text(sql))]


def test_creators_own_their_playtests_and_the_rest_belong_to_every_facilitator(fresh_app):
    with fresh_app.app_context():
        directory = fresh_app.extensions["migrate"].directory
        upgrade(directory=directory, revision=BEFORE_MEMBERS)
        db.session.execute(
            sa.text(
                "INSERT INTO users (id, email, password_hash, role, active, created_at) VALUES "
                "(1, 'obs@example.gov', 'x', 'observer', true, :now), "
                "(2, 'ann@example.gov', 'x', 'facilitator', true, :now), "
                "(3, 'ben@example.gov', 'x', 'facilitator', true, :now)"
            ),
            {"now": NOW},
        )
        db.session.execute(
            sa.text(
                "INSERT INTO playtests (id, title, created_at, created_by_id) VALUES "
                "(1, 'Ann''s', :now, 2), (2, 'Nobody knows whose', :now, NULL)"
            ),
            {"now": NOW},
        )
        for pid, family, version, creator in (
            (1, "intake", 1, 2),
            (2, "intake", 2, 3),  # Ben's upload filed as "version 2" of Ann's, before
            (3, "retro", 1, None),
        ):
            db.session.execute(
                sa.text(
                    "INSERT INTO playbooks (id, family, version, title, language, content_hash,"
                    " source, document, warnings, share_token, created_at, created_by_id)"
                    " VALUES (:id, :family, :version, 'T', 'en', :hash, '', '{}', '[]', :share,"
                    " :now, :creator)"
                ),
                {
                    "id": pid,
                    "family": family,
                    "version": version,
                    "hash": f"h{pid}",
                    "share": f"s{pid}",
                    "now": NOW,
                    "creator": creator,
                },
            )
        db.session.commit()

        upgrade(directory=directory)

        members = rows(
            "SELECT playtest_id, user_id, role FROM playtest_members ORDER BY playtest_id, user_id"
        )
        assert members == [
            (1, 2, "owner"),  # Ann created it: hers alone now
            (2, 1, "observer"),  # no known creator: everyone keeps what they had
            (2, 2, "owner"),
            (2, 3, "owner"),
        ]
        # The first facilitator account is the admin; the others keep their roles.
        assert rows("SELECT id, role FROM users ORDER BY id") == [
            (1, "observer"),
            (2, "admin"),
            (3, "facilitator"),
        ]
        assert rows("SELECT id, family FROM playbooks ORDER BY id") == [
            (1, "intake@2"),
            (2, "intake@2"),  # history stays in the family it was filed in
            (3, "retro"),
        ]
        (instance_id,) = rows("SELECT instance_id FROM instance")[0]
        assert len(instance_id) == 16
        assert rows("SELECT session_version FROM users") == [(0,), (0,), (0,)]
