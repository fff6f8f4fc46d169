"""Case work (open, hand off, answer, corrections) and before/after ratings.

Case events are an append-only log; a case's status, holder, handoff count and answer time
are *replayed* from it after every change, so the summary can always recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from playtest import config
from playtest.enums import (
    CaseCorrection,
    CaseEventKind,
    CaseStatus,
    RatingPhase,
    SessionStatus,
    ViewerKind,
)
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import audit, require, require_client_id, require_open
from playtest.models import Attendance, Case, CaseEvent, Rating, Session
from playtest.playbooks.documents import canonical_role, role_label, session_document
from playtest.realtime import Viewer
from playtest.security import looks_personal, take_post_allowance
from playtest.timeutil import iso_ms, utcnow

PHASES = tuple(RatingPhase)


def _session(viewer: Viewer) -> Session:
    session = db.session.get(Session, viewer.session_id)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    require_open(session)
    return session


def _text(value: object, limit: int, what: str, required: bool = False) -> str | None:
    """A trimmed optional text field (None when blank), or `invalid` with a plain message."""
    blank = value is None or (isinstance(value, str) and not value.strip())
    if blank and not required:
        return None
    if blank or not isinstance(value, str):
        raise ActionError(ErrorCode.INVALID, _("Enter the %(what)s.", what=what))
    value = value.strip()
    if len(value) > limit:
        raise ActionError(
            ErrorCode.INVALID, _("The %(what)s can be up to %(n)d characters.", what=what, n=limit)
        )
    return value


def _throttle(viewer: Viewer) -> None:
    if not take_post_allowance(viewer.participant_id, config.CASE_ACTIONS_PER_MINUTE):
        raise ActionError(ErrorCode.RATE_LIMITED, _("Too many actions at once. Wait a moment."))


def _case_in_round(session: Session, case_id: object) -> Case:
    case = db.session.get(Case, case_id) if isinstance(case_id, int) else None
    if case is None or case.round_id != session.round_id:
        raise ActionError(ErrorCode.NOT_FOUND, _("That case is not part of this round."))
    return case


def _replayed_event(viewer: Viewer, client_id: str) -> CaseEvent | None:
    return db.session.scalar(
        sa.select(CaseEvent).where(
            CaseEvent.participant_id == viewer.participant_id, CaseEvent.client_id == client_id
        )
    )


# The participants' events a case's state is replayed from (corrections only remove them).
_WORK = (CaseEventKind.OPENED, CaseEventKind.HANDOFF, CaseEventKind.ANSWERED)


def replay(case: Case) -> None:
    """Derive the case's state from its event log, corrections removed."""
    corrected = {e.corrects_id for e in case.events if e.corrects_id}
    standing = [e for e in case.events if e.id not in corrected and e.kind in _WORK]
    case.status, case.handoffs = CaseStatus.OPEN, 0
    case.answered_at = case.answered_session_id = case.outcome = None
    for event in standing:
        if event.kind == CaseEventKind.OPENED:
            case.holder_role = event.to_role or case.holder_role
        elif event.kind == CaseEventKind.HANDOFF:
            case.handoffs += 1
            case.holder_role = event.to_role
        elif event.kind == CaseEventKind.ANSWERED:
            case.status = CaseStatus.ANSWERED
            case.answered_at = event.at
            case.answered_session_id = event.session_id
            case.outcome = event.note


def _append(case: Case, **fields) -> CaseEvent:
    fields.setdefault("at", utcnow())
    event = CaseEvent(case=case, **fields)
    db.session.add(event)
    db.session.flush()
    db.session.refresh(case, ["events"])
    replay(case)
    return event


def _commit_once(viewer: Viewer, client_id: str, case: Case | None) -> Case:
    """Commit; if the same client_id raced in on another connection, answer with the winner."""
    try:
        db.session.commit()
        return case
    except IntegrityError:
        db.session.rollback()
        event = _replayed_event(viewer, client_id)
        if event is None:
            raise
        return event.case


def _already_done(viewer: Viewer, payload: dict) -> tuple[str, Case | None]:
    """The action's client_id, and the case if this client_id was already applied (a resend)."""
    require(viewer, ViewerKind.PARTICIPANT)
    client_id = require_client_id(payload.get("client_id"))
    event = _replayed_event(viewer, client_id)
    return client_id, (event.case if event is not None else None)


def _open_case_here(viewer: Viewer, payload: dict) -> tuple[Session, Case]:
    """This session and the still-open case of its round that the payload names."""
    session = _session(viewer)
    case = _case_in_round(session, payload.get("case_id"))
    if case.status == CaseStatus.ANSWERED:
        raise ActionError(ErrorCode.INVALID, _("That case is already answered."))
    return session, case


def _record(viewer: Viewer, session: Session, case: Case, client_id: str, **fields) -> Case:
    """Append one participant event to the case's log and commit it exactly once."""
    _throttle(viewer)
    _append(
        case,
        session_id=session.id,
        participant_id=viewer.participant_id,
        client_id=client_id,
        **fields,
    )
    return _commit_once(viewer, client_id, case)


def open_case(viewer: Viewer, payload: dict) -> tuple[Case, bool]:
    client_id, done = _already_done(viewer, payload)
    if done is not None:
        return done, False
    session = _session(viewer)
    # The role they hold now (me:role may have changed it since this socket connected).
    role = db.session.scalar(
        sa.select(Attendance.role).where(Attendance.id == viewer.attendance_id)
    )
    label = _text(payload.get("label"), config.LABEL_MAX_CHARS, _("case label"), required=True)
    case_type = _text(payload.get("case_type"), config.CASE_TYPE_MAX_CHARS, _("case type"))
    case = Case(
        round_id=session.round_id,
        session_id=session.id,
        participant_id=viewer.participant_id,
        client_id=client_id,
        label=label,
        case_type=case_type,
        pii_flag=looks_personal(label),
        holder_role=role or "",
        opened_at=utcnow(),
    )
    db.session.add(case)
    db.session.flush()
    opened = _record(
        viewer,
        session,
        case,
        client_id,
        kind=CaseEventKind.OPENED,
        to_role=role,
        at=case.opened_at,
    )
    return opened, True


def handoff(viewer: Viewer, payload: dict) -> tuple[Case, bool]:
    client_id, done = _already_done(viewer, payload)
    if done is not None:
        return done, False
    session, case = _open_case_here(viewer, payload)
    to_role = canonical_role(session, payload.get("to_role"))  # either language's name
    if to_role is None:
        raise ActionError(ErrorCode.INVALID, _("Choose one of the roles listed."))
    if to_role == case.holder_role:
        raise ActionError(
            ErrorCode.INVALID,
            _("That case is already with %(role)s.", role=role_label(session, to_role)),
        )
    reason = _text(payload.get("reason"), config.REASON_MAX_CHARS, _("reason"))
    changed = _record(
        viewer,
        session,
        case,
        client_id,
        kind=CaseEventKind.HANDOFF,
        from_role=case.holder_role,
        to_role=to_role,
        note=reason,
    )
    return changed, True


def answer(viewer: Viewer, payload: dict) -> tuple[Case, bool]:
    client_id, done = _already_done(viewer, payload)
    if done is not None:
        return done, False
    session, case = _open_case_here(viewer, payload)
    outcome = _text(payload.get("outcome"), config.OUTCOME_MAX_CHARS, _("outcome"))
    changed = _record(
        viewer,
        session,
        case,
        client_id,
        kind=CaseEventKind.ANSWERED,
        from_role=case.holder_role,
        note=outcome,
    )
    return changed, True


# A correction -> (the kind of event it undoes, the kind of event it appends).
CORRECTIONS = {
    CaseCorrection.UNDO_HANDOFF: (CaseEventKind.HANDOFF, CaseEventKind.HANDOFF_UNDONE),
    CaseCorrection.REOPEN: (CaseEventKind.ANSWERED, CaseEventKind.REOPENED),
}


def correct(viewer: Viewer, payload: dict) -> Case:
    """A facilitator undoes the latest handoff or reopens an answered case; both are audited."""
    require(viewer, ViewerKind.FACILITATOR)
    session = _session(viewer)
    case = _case_in_round(session, payload.get("case_id"))
    action = payload.get("action")
    if action not in CORRECTIONS:
        raise ActionError(ErrorCode.INVALID, _("Correction must be undo_handoff or reopen."))
    target_kind, kind = CORRECTIONS[action]
    corrected = {e.corrects_id for e in case.events if e.corrects_id}
    targets = [e for e in case.events if e.kind == target_kind and e.id not in corrected]
    if not targets:
        raise ActionError(ErrorCode.INVALID, _("There is nothing to correct on that case."))
    _append(
        case,
        session_id=session.id,
        kind=kind,
        user_id=viewer.user_id,
        corrects_id=targets[-1].id,
        note=_text(payload.get("note"), config.NOTE_MAX_CHARS, _("note")),
    )
    audit(viewer, "case:" + action, f"case:{case.id}", {"corrects": targets[-1].id})
    db.session.commit()
    return case


def case_payload(case: Case, viewer: Viewer | None = None) -> dict:
    corrected = {e.corrects_id for e in case.events if e.corrects_id}
    payload = {
        "id": case.id,
        "label": case.label,
        "case_type": case.case_type,
        "status": case.status,
        "holder_role": case.holder_role,
        "handoffs": case.handoffs,
        "opened_at": iso_ms(case.opened_at),
        "answered_at": iso_ms(case.answered_at),
        "outcome": case.outcome,
        "session_id": case.session_id,
        "opened_by": case.participant_id,
        "pii_flag": case.pii_flag,
        "history": [
            {
                "kind": e.kind,
                "from_role": e.from_role,
                "to_role": e.to_role,
                "at": iso_ms(e.at),
                "corrected": e.id in corrected,
            }
            for e in case.events
        ],
        "handed_from": _handed_from(case, corrected),
    }
    if viewer is not None and viewer.participant_id == case.participant_id:
        payload["client_id"] = case.client_id
    return payload


def _handed_from(case: Case, corrected: set[int]) -> dict | None:
    """The last standing handoff's sending role and reason: what the receiving role reads."""
    handoffs = [e for e in case.events if e.kind == CaseEventKind.HANDOFF and e.id not in corrected]
    if not handoffs:
        return None
    return {"role": handoffs[-1].from_role, "reason": handoffs[-1].note or ""}


@dataclass(frozen=True)
class RoomCase:
    """A case as everyone looking at the session sees it; its opener also gets its client_id."""

    opened_by: int | None
    payload: dict
    client_id: str | None


def room_cases(session: Session) -> list[RoomCase]:
    """This session's cases plus the round's cases still open (work carries across sessions),
    built once for the room."""
    cases = db.session.scalars(
        sa.select(Case)
        .where(
            Case.round_id == session.round_id,
            sa.or_(
                Case.session_id == session.id,
                Case.status == CaseStatus.OPEN,
                Case.answered_session_id == session.id,
            ),
        )
        .order_by(Case.id)
        .options(sa.orm.selectinload(Case.events))
    ).all()
    return [RoomCase(c.participant_id, case_payload(c), c.client_id) for c in cases]


def cases_for(room: list[RoomCase], viewer: Viewer) -> list[dict]:
    """The room's cases as this viewer gets them in `state`."""
    me = viewer.participant_id
    return [
        {**case.payload, "client_id": case.client_id}
        if me is not None and case.opened_by == me
        else case.payload
        for case in room
    ]


# --- ratings ---------------------------------------------------------------------------------


def after_ratings_open(session: Session) -> bool:
    """After-ratings open in the session's last segment, or once the facilitator opens them
    (DESIGN.md §9); `before` ratings are open all along."""
    if session.after_open:
        return True
    agenda = session.agenda
    if agenda is None:  # a session from before sessions kept their own agenda
        agenda = session_document(session)["sessions"][session.number - 1]["segments"]
    started = session.status in (SessionStatus.RUNNING, SessionStatus.PAUSED)
    return started and session.segment_index >= len(agenda) - 1


def open_after_ratings(viewer: Viewer, phase: object) -> Session:
    """`ratings:open {phase: "after"}`: the facilitator opens after-ratings early."""
    require(viewer, ViewerKind.FACILITATOR)
    session = _session(viewer)
    if phase != RatingPhase.AFTER:
        raise ActionError(
            ErrorCode.INVALID, _("Only after-ratings are opened: before-ratings are always open.")
        )
    session.after_open = True
    audit(viewer, "ratings:open", f"session:{session.id}", {"phase": phase})
    db.session.commit()
    return session


def submit_ratings(viewer: Viewer, payload: dict) -> dict:
    """Record or change before/after answers; returns all their answers for the phase."""
    require(viewer, ViewerKind.PARTICIPANT)
    session = _session(viewer)
    phase = payload.get("phase")
    if phase not in PHASES:
        raise ActionError(ErrorCode.INVALID, _("phase must be before or after."))
    if phase in (session.closed_phases or []):
        raise ActionError(ErrorCode.SESSION_CLOSED, _("The facilitator has closed these ratings."))
    if phase == RatingPhase.AFTER and not after_ratings_open(session):
        raise ActionError(ErrorCode.INVALID, _("After-ratings open at the end of the session"))
    answers = payload.get("answers")
    questions = session_document(session)["questions"]
    if not isinstance(answers, dict) or not answers:
        raise ActionError(ErrorCode.INVALID, _("Answer at least one question."))
    clean: dict[int, int] = {}
    for key, value in answers.items():
        index = int(key) if isinstance(key, str) and key.isdigit() else None
        if index is None or index >= len(questions):
            raise ActionError(ErrorCode.INVALID, _("There is no question %(q)s.", q=str(key)[:10]))
        if type(value) is not int or not config.LIKERT_MIN <= value <= config.LIKERT_MAX:
            raise ActionError(
                ErrorCode.INVALID,
                _(
                    "Answers are from %(min)d to %(max)d.",
                    min=config.LIKERT_MIN,
                    max=config.LIKERT_MAX,
                ),
            )
        clean[index] = value
    existing = {
        r.question_index: r
        for r in db.session.scalars(
            sa.select(Rating).where(
                Rating.participant_id == viewer.participant_id,
                Rating.session_id == session.id,
                Rating.phase == phase,
            )
        )
    }
    now = utcnow()
    for index, value in clean.items():
        row = existing.get(index)
        if row is None:
            row = Rating(
                participant_id=viewer.participant_id,
                session_id=session.id,
                phase=phase,
                question_index=index,
            )
            db.session.add(row)
            existing[index] = row
        row.value, row.at = value, now
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a duplicate submit raced in; the stored answers stand
        return submit_ratings(viewer, payload)
    return {"phase": phase, "answers": {str(i): r.value for i, r in sorted(existing.items())}}


def my_ratings(session: Session, participant_id: int) -> dict:
    out: dict[str, dict[str, int]] = {phase: {} for phase in PHASES}
    for phase, question_index, value in db.session.execute(
        sa.select(Rating.phase, Rating.question_index, Rating.value).where(
            Rating.participant_id == participant_id, Rating.session_id == session.id
        )
    ):
        out[phase][str(question_index)] = value
    return out


def close_ratings(viewer: Viewer, phase: object, closed: object) -> Session:
    require(viewer, ViewerKind.FACILITATOR)
    session = _session(viewer)
    if phase not in PHASES or not isinstance(closed, bool):
        raise ActionError(ErrorCode.INVALID, _("Give a phase (before or after) and closed."))
    others = {p for p in (session.closed_phases or []) if p != phase}
    session.closed_phases = sorted(others | ({phase} if closed else set()))
    audit(viewer, "rating:close", f"session:{session.id}", {"phase": phase, "closed": closed})
    db.session.commit()
    return session


def rating_progress(session: Session) -> dict:
    """Counts only: how many have answered each phase, never who answered what."""
    counts = dict(
        db.session.execute(
            sa.select(Rating.phase, sa.func.count(sa.distinct(Rating.participant_id)))
            .where(Rating.session_id == session.id)
            .group_by(Rating.phase)
        ).all()
    )
    joined = db.session.scalar(
        sa.select(sa.func.count(Attendance.id)).where(Attendance.session_id == session.id)
    )
    return {
        "before": counts.get(RatingPhase.BEFORE, 0),
        "after": counts.get(RatingPhase.AFTER, 0),
        "participants": joined or 0,
        "closed_phases": list(session.closed_phases or []),
    }
