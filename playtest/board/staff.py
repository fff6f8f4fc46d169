"""A facilitator posts a card from the console (issue 15).

The card has no participant: `author_user_id` says which facilitator posted it (never sent
to anyone) and `card_payload` labels it `facilitator`. It is named, never anonymous, and
posted exactly once per (facilitator, client_id). Participants keep their own hot path in
board.services.post_reflection.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from playtest.board.cards import card_deliveries, card_payload, clean_text
from playtest.board.posting import Posted
from playtest.enums import ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import require, require_client_id, require_open
from playtest.models import Reflection, Session
from playtest.playbooks.documents import canonical_lane, session_document
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
    session = db.session.get(Session, viewer.session_id)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    require_open(session)
    lane = payload.get("lane")
    if lane not in session_document(session)["lanes"]:
        lane = canonical_lane(session, lane)
        if lane is None:
            raise ActionError(ErrorCode.INVALID, _("Choose one of the board's lanes."))
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
