""" "You said, we did" (DESIGN.md §10): the participant-facing page at a secret link.

Per round, the top cards per lane (visible cards only, text only, never an author) and
every action with its owner and status. The link can be turned off or regenerated; each
change is audited. Rounds kept out of the summary (trial runs) are left out here too.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from playtest.actions.models import Action
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.models import AuditEntry, Playtest, Reflection, Session, User
from playtest.playbooks.documents import session_document

TOP_CARDS_PER_LANE = 3
TOKEN_BYTES = 24
CHANGES = ("enable", "disable", "regenerate")


def change_link(user: User, playtest: Playtest, change: str) -> Playtest:
    """Turn the link on (a token is made the first time), off, or give it a new token."""
    if change not in CHANGES:
        raise ActionError(ErrorCode.INVALID, _("Choose to turn the link on, off, or renew it."))
    if change == "regenerate" or (change == "enable" and not playtest.feedback_token):
        playtest.feedback_token = secrets.token_urlsafe(TOKEN_BYTES)
    playtest.feedback_enabled = change != "disable"
    db.session.add(
        AuditEntry(
            session_id=None,
            user_id=user.id,
            action=f"feedback:{change}",
            target=f"playtest:{playtest.id}",
        )
    )
    db.session.commit()
    return playtest


def playtest_by_token(token: str) -> Playtest | None:
    """The playtest whose link this is, while its link is on (else None: a plain 404)."""
    if not token or len(token) > 100:
        return None
    playtest = db.session.scalar(sa.select(Playtest).where(Playtest.feedback_token == token))
    if playtest is None or not playtest.feedback_enabled:
        return None
    if not secrets.compare_digest(playtest.feedback_token, token):
        return None
    return playtest


def round_feedback(playtest: Playtest) -> list[dict]:
    """Per round (trial runs left out): its label, top cards per lane, and its actions."""
    out = []
    for round_ in playtest.rounds:
        if round_.excluded_from_summary:
            continue
        sessions = list(round_.sessions)
        lanes: dict[str, list[dict]] = {}
        if sessions:
            lanes = {lane: [] for lane in session_document(sessions[0])["lanes"]}
        cards = db.session.scalars(
            sa.select(Reflection)
            .join(Session, Session.id == Reflection.session_id)
            .where(
                Session.round_id == round_.id,
                Reflection.deleted.is_(False),
                Reflection.hidden.is_(False),
            )
            .order_by(Reflection.votes.desc(), Reflection.id)
        )
        for card in cards:
            shown = lanes.setdefault(card.lane, [])
            if len(shown) < TOP_CARDS_PER_LANE:
                shown.append({"text": card.text, "votes": card.votes})
        actions = db.session.scalars(
            sa.select(Action)
            .where(Action.round_id == round_.id)
            .order_by(Action.created_at, Action.id)
        )
        out.append(
            {
                "label": round_.label,
                "lanes": lanes,
                "actions": [
                    {"text": a.text, "owner": a.owner, "status": a.status} for a in actions
                ],
            }
        )
    return out
