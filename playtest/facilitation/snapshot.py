"""The `state` snapshot a client gets on every (re)connect, and from GET /sessions/<id>/state.

Each viewer gets it in their own language (a participant's Attendance.language, else the
request's locale). In a round whose playbook is paired with its version in the other language,
`lanes`, `session.roles`, `session.questions` and the agenda's texts are the viewer's
language's, paired by position with the round's own playbook; `lane_keys` and
`session.role_keys` give the canonical names (the round's own playbook's) in the same order.
Cards, cases, presence and `me.role` always carry canonical names, so one board is shared:
a card's `lane` is one of `lane_keys` (and `lane_index` its position). In a single-language
round the two lists are the same, so a card's `lane` is one of `lanes`, verbatim.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from playtest import config, room_versions
from playtest.actions import services as actions
from playtest.actions.carryover import carry_over
from playtest.board import cards
from playtest.board.votes import my_votes
from playtest.caches import room_snapshots
from playtest.cases import services as cases
from playtest.enums import ViewerKind
from playtest.extensions import db
from playtest.facilitation import agenda_edits, ready
from playtest.facilitation import clock as clockmath
from playtest.facilitation import services as facilitation
from playtest.i18n import viewer_language
from playtest.models import Attendance, SegmentRun, Session
from playtest.playbooks.documents import localized_document
from playtest.realtime import Viewer
from playtest.security import PII_PATTERN_SOURCES
from playtest.timeutil import utcnow


def actual_minutes(session: Session) -> dict[int, float]:
    """Minutes each segment has actually run so far (all its runs, pauses excluded)."""
    now = utcnow()
    clock = facilitation.clock_of(session)
    totals: dict[int, float] = {}
    runs = db.session.scalars(sa.select(SegmentRun).where(SegmentRun.session_id == session.id))
    for run in runs:
        # The open run's pauses live on the session's clock until the run ends.
        paused = run.paused_s if run.ended_at else clockmath.run_paused_s(clock, now)
        minutes = clockmath.actual_minutes(run.started_at, run.ended_at, paused, now)
        totals[run.segment_index] = totals.get(run.segment_index, 0.0) + minutes
    return totals


def agenda_payload(session: Session, viewer: Viewer, document: dict) -> dict:
    """The session's segments as edited, in the viewer's language; facilitator notes, actual
    minutes and what may still be edited (`editable`, agenda:edit) only for staff."""
    agenda = document["sessions"][session.number - 1]
    planned = agenda["segments"]  # the playbook's, in this viewer's language
    actual = actual_minutes(session) if viewer.is_staff else {}
    free = agenda_edits.first_free(session) if viewer.is_staff else None
    segments = []
    for index, seg in enumerate(facilitation.session_segments(session)):
        source = seg["source"]
        text = planned[source] if source is not None and source < len(planned) else {}
        item = {
            "index": index,
            "key": seg["key"],
            "title": text.get("title", seg["title"]),
            "minutes": seg["minutes"],
            "kind": seg["kind"],
            "prompt_html": text.get("prompt_html", ""),
            "original_min": seg["original_min"],
            "edited": seg["edited"],
        }
        if viewer.is_staff:
            item["notes_html"] = text.get("notes_html", "")
            item["actual_min"] = actual.get(index)
            item["editable"] = index >= free and session.status != "finished"
        segments.append(item)
    return {
        "title": agenda["title"],
        "duration": agenda["duration"],
        "intro_html": document["intro_html"],
        "segments": segments,
    }


def role_labels(document: dict) -> dict[str, str]:
    """Canonical role -> the reader's name for it (the default role without playbook roles)."""
    labels = dict(zip(document["role_keys"], document["roles"], strict=True))
    return labels or {config.DEFAULT_ROLE: _("Participant")}


def session_payload(session: Session, document: dict, language: str) -> dict:
    round_ = session.round
    return {
        "id": session.id,
        "number": session.number,
        "status": session.status,
        "join_code": session.join_code,
        "round": {"id": round_.id, "label": round_.label},
        "playtest": {"id": round_.playtest_id, "title": round_.playtest.title},
        "title": document["title"],
        "roles": document["roles"],
        "role_keys": document["role_keys"],
        "role_labels": role_labels(document),
        "questions": document["questions"],
        "votes": document["votes"],
        "anonymity": document["anonymity"],
        "closed_phases": list(session.closed_phases or []),
        "after_open": cases.after_ratings_open(session),
        "revealed_lanes": list(session.revealed_lanes or []),
        "pii_patterns": PII_PATTERN_SOURCES,
        "text_max": config.TEXT_MAX_CHARS,
        "locale": language,
    }


def me_payload(
    session: Session, viewer: Viewer, attendance: Attendance | None, document: dict
) -> dict | None:
    if not viewer.is_participant or attendance is None:
        return None
    return {
        "participant_id": viewer.participant_id,
        "display_name": attendance.display_name,
        "role": viewer.role,
        "role_label": role_labels(document).get(viewer.role, viewer.role),
        **my_votes(session, viewer.participant_id),  # votes_left and voted, in one read
        "ratings": cases.my_ratings(session, viewer.participant_id),
    }


def presence_for(viewer: Viewer, session_id: int) -> dict:
    """Who is online, as this viewer may see it: names for staff, counts for everyone else."""
    if viewer.is_staff:
        return facilitation.presence(session_id)
    return facilitation.presence_counts(session_id)


def state(
    session: Session,
    viewer: Viewer,
    attendance: Attendance | None = None,
    *,
    presence: bool = True,
) -> dict:
    """Everything a client needs to draw the session, in the viewer's language.

    Participants and projectors share most of it (room_part, built once per room until the
    room changes); staff get theirs built for them. `presence=False` leaves presence out, for
    a connecting socket that counts it only once its own connection is recorded (see
    facilitation/events.py).
    """
    language = viewer_language(attendance)
    if viewer.is_staff:
        part = _part(session, viewer, language)
        reflections = part["reflections"]
    else:
        part = room_part(session, language)
        reflections = cards.cards_for(part["cards"], viewer)
    with force_locale(language):
        payload = {
            "session": part["session"],
            "agenda": part["agenda"],
            "timer": facilitation.timer(session),
            "lanes": part["lanes"],
            "lane_keys": part["lane_keys"],
            "board_mode": part["board_mode"],
            "reflections": reflections,
            "me": me_payload(session, viewer, attendance, part["document"]),
            "cases": cases.cases_for(part["cases"], viewer),
            "actions": part["actions"],
            "carry_over": part["carry_over"],
            "ready": ready.mine(session, viewer.participant_id),
        }
    if viewer.is_staff:
        payload["rating_progress"] = cases.rating_progress(session)
        payload["ready_progress"] = ready.progress(
            session, facilitation.presence(session.id)["online"]
        )
    if presence:
        payload["presence"] = presence_for(viewer, session.id)
    return payload


def room_part(session: Session, language: str) -> dict:
    """The part of `state` every participant and projector of the room shares, in `language`.

    Built once and handed to every socket of the room until something it shows changes
    (room_versions.py): a room of phones reconnecting at once costs one build, not one each.
    While one socket builds it, the others wait for it rather than build it too. Nobody
    changes what it holds: each socket's `state` is a new dict around it.
    """
    versions = room_versions.versions()
    playtest_id = versions.session_playtests.get(session.id)
    if playtest_id is None:
        playtest_id = versions.learn(session)
    store = room_snapshots()
    key = (session.id, language)
    with store.lock(key):
        entry = store.get(key)
        if entry is None or not versions.fresh(playtest_id, entry["built_from"]):
            built_from = room_versions.began_at()
            anyone = Viewer(kind=ViewerKind.PROJECTOR, session_id=session.id)
            entry = _part(session, anyone, language) | {"built_from": built_from}
            # Kept only if nothing changed while it was built, and it shows no write of this
            # transaction's own (which may yet roll back).
            if versions.fresh(playtest_id, built_from) and room_versions.wrote_nothing():
                store.put(key, entry)
    return entry


def _part(session: Session, viewer: Viewer, language: str) -> dict:
    """What `state` shows alike to everyone of the viewer's kind: staff get their agenda
    (notes, actual minutes) and every card; anyone else the room's cards (room_cards)."""
    document = localized_document(session, language)
    keys = document["lane_keys"]
    with force_locale(language):
        part = {
            "document": document,
            "session": session_payload(session, document, language),
            "agenda": agenda_payload(session, viewer, document),
            "lanes": document["lanes"],
            "lane_keys": keys,
            "board_mode": session.board_mode,
            "cases": cases.room_cases(session),
            "actions": actions.actions_payload(session.round.playtest_id),
            "carry_over": carry_over(session),
        }
    if viewer.is_staff:
        part["reflections"] = cards.staff_cards(session, keys)
    else:
        part["cards"] = cards.room_cards(session, keys)
    return part
