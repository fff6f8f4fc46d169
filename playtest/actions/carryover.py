""" "Since last time" (DESIGN.md §10): what a session opens with from the one before it.

The session it carries over from: the most recent finished session of the same round, or,
for a round's first session, the previous round's last finished session. The top cards are
what the room saw then (visible cards only, text and votes only: never an author).
"""

from __future__ import annotations

import sqlalchemy as sa

from playtest.actions import services as actions
from playtest.actions.models import Action
from playtest.enums import ActionStatus, SessionStatus
from playtest.extensions import db
from playtest.models import Reflection, Round, Session
from playtest.playbooks.documents import session_document

TOP_CARDS_PER_LANE = 3
ENDED = (ActionStatus.DONE, ActionStatus.DROPPED)


def previous_session(session: Session) -> Session | None:
    """The finished session this one carries over from, or None (the playtest's first)."""
    if session.number > 1:  # numbers start at 1: a round's first session has none before it
        earlier = db.session.scalar(
            sa.select(Session)
            .where(
                Session.round_id == session.round_id,
                Session.number < session.number,
                Session.status == SessionStatus.FINISHED,
            )
            .order_by(Session.number.desc())
            .limit(1)
        )
        if earlier is not None:
            return earlier
        if db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Session)
            .where(Session.round_id == session.round_id, Session.number < session.number)
        ):
            return None  # earlier sessions of this round, none finished yet
    return _last_of_previous_round(session)


def _last_of_previous_round(session: Session) -> Session | None:
    """The previous round's last finished session (a round's first session opens with it)."""
    round_ = session.round
    before = db.session.scalar(
        sa.select(Round)
        .where(Round.playtest_id == round_.playtest_id, Round.position < round_.position)
        .order_by(Round.position.desc())
        .limit(1)
    )
    if before is None:
        return None
    return db.session.scalar(
        sa.select(Session)
        .where(Session.round_id == before.id, Session.status == SessionStatus.FINISHED)
        .order_by(Session.number.desc())
        .limit(1)
    )


def top_cards(session: Session, per_lane: int = TOP_CARDS_PER_LANE) -> dict[str, list[dict]]:
    """Each lane's most-voted visible cards, in lane order: `{lane: [{id, text, votes}]}`."""
    cards = db.session.scalars(
        sa.select(Reflection)
        .where(
            Reflection.session_id == session.id,
            Reflection.deleted.is_(False),
            Reflection.hidden.is_(False),
        )
        .order_by(Reflection.votes.desc(), Reflection.id)
    )
    lanes: dict[str, list[dict]] = {lane: [] for lane in session_document(session)["lanes"]}
    for card in cards:
        shown = lanes.setdefault(card.lane, [])
        if len(shown) < per_lane:
            shown.append({"id": card.id, "text": card.text, "votes": card.votes})
    return lanes


def open_actions(playtest_id: int) -> list[Action]:
    """The playtest's actions not done or dropped, newest created first."""
    return [a for a in actions.playtest_actions(playtest_id) if a.status not in ENDED]


def carry_over(session: Session) -> dict | None:
    """`state.carry_over`, or None before there is a session to carry over from."""
    before = previous_session(session)
    if before is None:
        return None
    return {
        "from_session_id": before.id,
        "from_session_number": before.number,
        "from_round_id": before.round_id,
        "top_cards": top_cards(before),
        "open_actions": [
            actions.action_payload(a) for a in open_actions(session.round.playtest_id)
        ],
    }
