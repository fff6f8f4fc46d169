"""A facilitator posts a card from the console (issue 15).

The card has no participant: `author_user_id` says which facilitator posted it (never sent
to anyone) and `card_payload` labels it `facilitator`. It is named, never anonymous, and
posted exactly once per (facilitator, client_id). Participants keep their own hot path in
board.services.post_reflection.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from playtest.board.cards import board_lane, card_deliveries, card_payload, clean_text
from playtest.board.posting import Posted
from playtest.board.services import session_for_write
from playtest.enums import ViewerKind
from playtest.extensions import db
from playtest.guards import require, require_client_id
from playtest.models import Reflection
from playtest.realtime import Viewer
from playtest.security import looks_personal
from playtest.timeutil import utcnow


def _existing(viewer: Viewer, client_id: str) -> Reflection | None:
    return db.session.scalar(
        sa.select(Reflection).where(
            Reflection.author_user_id == viewer.user_id, Reflection.client_id == client_id
        )
    )


def post_as_facilitator(viewer: Viewer, payload: dict) -> Posted:
    """Post a facilitator's card, or answer a resend with the card first posted."""
    require(viewer, ViewerKind.FACILITATOR)
    client_id = require_client_id(payload.get("client_id"))
    original = _existing(viewer, client_id)
    if original is not None:
        return Posted(original, False, card_payload(original, None), [])
    session = session_for_write(viewer)
    lane = board_lane(session, payload.get("lane"))
    text = clean_text(payload.get("text"))
    now = utcnow()
    card = Reflection(
        session_id=session.id,
        participant_id=None,
        author_user_id=viewer.user_id,
        author_role="",
        client_id=client_id,
        lane=lane,
        text=text,
        anonymous=False,
        pii_flag=looks_personal(text),
        created_at=now,
        updated_at=now,
    )
    db.session.add(card)
    try:
        db.session.commit()
    except IntegrityError:  # the same client_id raced in on another connection
        db.session.rollback()
        winner = _existing(viewer, client_id)
        return Posted(winner, False, card_payload(winner, None), [])
    return Posted(
        card,
        True,
        card_payload(card, None),
        card_deliveries(session, card, "reflection:added", None),
    )
