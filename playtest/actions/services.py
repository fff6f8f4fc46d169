"""Actions (DESIGN.md §10): adding, proposing and moving them on, and who hears of it.

`action_payload` is the single serialiser. No row and no payload names who proposed an
action: the proposer is not even stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from playtest import config
from playtest.actions.models import Action
from playtest.board.cards import lane_visible
from playtest.enums import ActionStatus, SessionStatus, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import audit, require, require_client_id, require_open
from playtest.models import AuditEntry, Reflection, Round, Session, User
from playtest.realtime import Delivery, Viewer, session_room
from playtest.security import take_post_allowance
from playtest.timeutil import iso_ms, utcnow

OPEN_STATUSES = (ActionStatus.PROPOSED, ActionStatus.AGREED, ActionStatus.TRYING)

# --- reading ---------------------------------------------------------------------------------


def action_payload(action: Action) -> dict:
    """The whole action, as every screen and the API see it (never who proposed it)."""
    return {
        "id": action.id,
        "client_id": action.client_id,
        "text": action.text,
        "owner": action.owner,
        "status": action.status,
        "origin_session_id": action.origin_session_id,
        "origin_session_number": action.origin_session_number,
        "round_id": action.round_id,
        "due_session_number": action.due_session_number,
        "source_ids": list(action.source_ids or []),
        "history": [dict(entry) for entry in action.history or []],
        "created_at": iso_ms(action.created_at),
        "updated_at": iso_ms(action.updated_at),
    }


def playtest_actions(playtest_id: int) -> list[Action]:
    """Every action of the playtest, newest created first."""
    return list(
        db.session.scalars(
            sa.select(Action)
            .where(Action.playtest_id == playtest_id)
            .order_by(Action.created_at.desc(), Action.id.desc())
        )
    )


def actions_payload(playtest_id: int) -> list[dict]:
    """`state.actions` and GET /playtests/<id>/actions."""
    return [action_payload(action) for action in playtest_actions(playtest_id)]


def status_at(action: Action, moment: datetime) -> str | None:
    """The action's status at `moment` (None if it did not exist yet)."""
    found = None
    for entry in action.history or []:
        if entry["at"] <= iso_ms(moment):
            found = entry["status"]
    return found


def deliveries(action: Action) -> list[Delivery]:
    """`action:updated` to every session of the playtest still running or to come."""
    sessions = db.session.scalars(
        sa.select(Session.id)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == action.playtest_id, Session.status != SessionStatus.FINISHED)
    )
    rooms = {*sessions, action.origin_session_id} - {None}
    payload = action_payload(action)
    return [Delivery("action:updated", session_room(sid), payload) for sid in sorted(rooms)]


# --- checking what was sent ------------------------------------------------------------------


def _clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ActionError(ErrorCode.INVALID, _("Describe the action first."))
    if len(text) > config.ACTION_TEXT_MAX_CHARS:
        raise ActionError(
            ErrorCode.INVALID,
            _("Actions can be up to %(n)d characters.", n=config.ACTION_TEXT_MAX_CHARS),
        )
    return text.strip()


def _clean_owner(owner: object) -> str:
    if owner is None:
        return ""
    if not isinstance(owner, str) or len(owner) > config.ACTION_OWNER_MAX_CHARS:
        raise ActionError(
            ErrorCode.INVALID,
            _("An owner can be up to %(n)d characters.", n=config.ACTION_OWNER_MAX_CHARS),
        )
    return owner.strip()


def _clean_status(status: object) -> ActionStatus:
    try:
        return ActionStatus(status)
    except ValueError:
        raise ActionError(
            ErrorCode.INVALID,
            _("Status is one of %(statuses)s.", statuses=", ".join(ActionStatus)),
        ) from None


def _clean_due(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 1 <= value <= config.PLAYBOOK_MAX_SESSIONS:
        raise ActionError(
            ErrorCode.INVALID,
            _("The due session is a number from 1 to %(n)d.", n=config.PLAYBOOK_MAX_SESSIONS),
        )
    return value


def _clean_sources(viewer: Viewer | None, playtest_id: int, ids: object) -> list[int]:
    """Card ids in this playtest that the sender can see; any other is `not_found`."""
    if ids is None:
        return []
    if (
        not isinstance(ids, list)
        or len(ids) > config.ACTION_MAX_SOURCES
        or any(type(card_id) is not int for card_id in ids)
    ):
        raise ActionError(ErrorCode.INVALID, _("source_ids is a list of card ids."))
    ids = list(dict.fromkeys(ids))
    rows = db.session.execute(
        sa.select(Reflection, Session)
        .join(Session, Session.id == Reflection.session_id)
        .join(Round, Round.id == Session.round_id)
        .where(Reflection.id.in_(ids), Round.playtest_id == playtest_id)
    ).all()
    found = {card.id: (card, session) for card, session in rows}
    for card_id in ids:
        card, session = found.get(card_id, (None, None))
        if card is None or card.deleted or not _sees(viewer, card, session):
            raise ActionError(ErrorCode.NOT_FOUND, _("That card is not on this playtest's boards."))
    return ids


def _sees(viewer: Viewer | None, card: Reflection, session: Session) -> bool:
    if viewer is None or viewer.is_staff:
        return True
    mine = card.participant_id == viewer.participant_id
    return not card.hidden and (mine or lane_visible(session, card.lane))


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """An action as saved, whether this call created it, and who hears of it (none on a
    resend)."""

    action: Action
    created: bool
    deliveries: list[Delivery]


def _entry(status: str, session_id: int | None) -> dict:
    return {"status": str(status), "at": iso_ms(utcnow()), "session_id": session_id}


def _create(
    session: Session, client_id: str, payload: dict, status: ActionStatus, viewer: Viewer | None
) -> Saved:
    playtest_id = session.round.playtest_id
    existing = _by_client_id(playtest_id, client_id)
    if existing is not None:  # a resend: answered with the original
        return Saved(existing, False, [])
    action = Action(
        playtest_id=playtest_id,
        round_id=session.round_id,
        origin_session_id=session.id,
        origin_session_number=session.number,
        client_id=client_id,
        text=_clean_text(payload.get("text")),
        owner=_clean_owner(payload.get("owner")) if status != ActionStatus.PROPOSED else "",
        status=status,
        due_session_number=(
            _clean_due(payload.get("due_session_number"))
            if status != ActionStatus.PROPOSED
            else None
        ),
        source_ids=_clean_sources(viewer, playtest_id, payload.get("source_ids")),
        history=[_entry(status, session.id)],
    )
    db.session.add(action)
    try:
        db.session.flush()
    except IntegrityError:  # the same client_id raced in on another connection
        db.session.rollback()
        return Saved(_by_client_id(playtest_id, client_id), False, [])
    return Saved(action, True, [])


def _by_client_id(playtest_id: int, client_id: str) -> Action | None:
    return db.session.scalar(
        sa.select(Action).where(Action.playtest_id == playtest_id, Action.client_id == client_id)
    )


def _session(viewer: Viewer) -> Session:
    session = db.session.get(Session, viewer.session_id)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    return session


def add(viewer: Viewer, payload: dict) -> Saved:
    """`action:add`: a facilitator writes down an agreed action (exactly once by client_id)."""
    require(viewer, ViewerKind.FACILITATOR)
    client_id = require_client_id(payload.get("client_id"))
    saved = _create(_session(viewer), client_id, payload, ActionStatus.AGREED, viewer)
    if not saved.created:
        return saved
    audit(viewer, "action:add", f"action:{saved.action.id}")
    db.session.commit()
    return Saved(saved.action, True, deliveries(saved.action))


def propose(viewer: Viewer, payload: dict) -> Saved:
    """`action:propose`: a participant suggests one; nothing records who did."""
    require(viewer, ViewerKind.PARTICIPANT)
    client_id = require_client_id(payload.get("client_id"))
    session = _session(viewer)
    require_open(session)
    existing = _by_client_id(session.round.playtest_id, client_id)
    if existing is not None:
        return Saved(existing, False, [])
    if not take_post_allowance(viewer.participant_id):
        raise ActionError(
            ErrorCode.RATE_LIMITED, _("You are posting very fast. Wait a moment, then try again.")
        )
    saved = _create(session, client_id, payload, ActionStatus.PROPOSED, viewer)
    db.session.commit()
    return Saved(saved.action, saved.created, deliveries(saved.action) if saved.created else [])


def _action_in_playtest(playtest_id: int, action_id: object) -> Action:
    action = db.session.get(Action, action_id) if type(action_id) is int else None
    if action is None or action.playtest_id != playtest_id:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such action in this playtest."))
    return action


def _apply(action: Action, payload: dict, session_id: int | None) -> dict:
    """Apply the fields `payload` holds; returns what changed (for the audit entry)."""
    changed = {}
    if payload.get("text") is not None:
        action.text = changed["text"] = _clean_text(payload["text"])
    if "owner" in payload:
        action.owner = changed["owner"] = _clean_owner(payload["owner"])
    if "due_session_number" in payload:
        due = _clean_due(payload["due_session_number"])
        action.due_session_number = changed["due_session_number"] = due
    if payload.get("status") is not None:
        status = _clean_status(payload["status"])
        if status != action.status:
            action.status = changed["status"] = str(status)
            action.history = [*(action.history or []), _entry(status, session_id)]
    if changed:
        action.updated_at = utcnow()
    return changed


def update(viewer: Viewer, payload: dict) -> Saved:
    """`action:update`: a facilitator edits an action or moves it on."""
    require(viewer, ViewerKind.FACILITATOR)
    session = _session(viewer)
    action = _action_in_playtest(session.round.playtest_id, payload.get("id"))
    fields = {k: v for k, v in payload.items() if k != "id"}
    changed = _apply(action, fields, session.id)
    if changed:
        audit(viewer, "action:update", f"action:{action.id}", changed)
    db.session.commit()
    return Saved(action, bool(changed), deliveries(action) if changed else [])


# --- the API's way in (a staff account, no socket) -------------------------------------------


def _api_audit(user: User, action: Action, what: str, detail: dict | None = None) -> None:
    db.session.add(
        AuditEntry(
            session_id=action.origin_session_id,
            user_id=user.id,
            action=what,
            target=f"action:{action.id}",
            detail=detail or {},
        )
    )


def api_add(user: User, playtest_id: int, body: dict) -> Saved:
    """POST /playtests/<id>/actions {text, owner?, session_id, source_ids?, client_id?}."""
    session_id = body.get("session_id")
    session = db.session.get(Session, session_id) if type(session_id) is int else None
    if session is None or session.round.playtest_id != playtest_id:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session in this playtest."))
    client_id = require_client_id(body.get("client_id") or str(uuid.uuid4()))
    saved = _create(session, client_id, body, ActionStatus.AGREED, None)
    if saved.created:
        _api_audit(user, saved.action, "action:add")
        db.session.commit()
        return Saved(saved.action, True, deliveries(saved.action))
    return saved


def api_update(user: User, action: Action, body: dict) -> Saved:
    """PATCH /actions/<id> {status?, text?, owner?, due_session_number?}."""
    fields = {k: body[k] for k in ("status", "text", "owner", "due_session_number") if k in body}
    changed = _apply(action, fields, None)
    if changed:
        _api_audit(user, action, "action:update", changed)
    db.session.commit()
    return Saved(action, bool(changed), deliveries(action) if changed else [])
