"""Votes: how many a participant has left, and giving back the votes on a card that leaves
the board (hidden or deleted), with what each voter's screens hear of it."""

from __future__ import annotations

import sqlalchemy as sa

from playtest.extensions import db
from playtest.models import Attendance, Reflection, Session, Vote
from playtest.playbooks.documents import session_document
from playtest.realtime import Delivery, attendance_room


def votes_left(session: Session, participant_id: int) -> int:
    """How many votes the participant may still give in this session (the playbook's Votes)."""
    used = db.session.scalar(
        sa.select(sa.func.count(Vote.id)).where(
            Vote.session_id == session.id, Vote.participant_id == participant_id
        )
    )
    return max(0, session_document(session)["votes"] - (used or 0))


def release_votes(session: Session, card: Reflection) -> list[Delivery]:
    """Take back every vote on the card (in the caller's transaction) and tell each voter's
    screens their votes now (`me:votes`: votes_left and the cards they still vote for)."""
    with db.session.no_autoflush:
        voters = db.session.execute(
            sa.select(Vote.participant_id, Attendance.id)
            .join(
                Attendance,
                sa.and_(
                    Attendance.participant_id == Vote.participant_id,
                    Attendance.session_id == Vote.session_id,
                ),
            )
            .where(Vote.reflection_id == card.id)
        ).all()
    if not voters:
        return []
    db.session.execute(sa.delete(Vote).where(Vote.reflection_id == card.id))
    card.votes = 0
    return [
        Delivery("me:votes", attendance_room(attendance_id), my_votes(session, participant_id))
        for participant_id, attendance_id in voters
    ]


def my_votes(session: Session, participant_id: int) -> dict:
    """A participant's votes in the session: how many are left and the cards they are on."""
    voted = list(
        db.session.scalars(
            sa.select(Vote.reflection_id).where(
                Vote.session_id == session.id, Vote.participant_id == participant_id
            )
        )
    )
    return {"votes_left": max(0, session_document(session)["votes"] - len(voted)), "voted": voted}
