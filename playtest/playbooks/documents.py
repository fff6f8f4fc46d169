"""The playbook a live session runs, as each person reads it: cached documents and pairing.

A session runs its round's playbook version (`session_document`). A round may hold the same
playbook in the other language (Round.paired_playbook): each person then follows the agenda,
lanes, roles and questions in their language (`localized_document`), paired *by position*
with the round's own playbook, whose names stay the canonical ones the board, exports and
summary share (`canonical_lane`, `canonical_role`).
"""

from __future__ import annotations

from flask_babel import gettext

from playtest import caches
from playtest.config import DEFAULT_ROLE
from playtest.extensions import db
from playtest.i18n import current_language
from playtest.models import Playbook, Round, Session


def session_document(session: Session) -> dict:
    """The playbook document (parser.playbook_to_dict) this session runs.

    `session` needs only its round_id: a Session, or a row of its columns (the hot paths).

    Every card and case event needs it, so each app remembers which playbook version each
    round runs and each version's document: a round's version is fixed when the round is
    created and a stored version never changes, so neither goes stale, and the hot paths
    skip loading the round and the whole playbook row (and decoding its JSON) every time.
    """
    versions = caches.round_playbooks()
    documents = caches.playbook_documents()
    playbook_id = versions.get(session.round_id)
    if playbook_id is None:
        playbook_id = versions[session.round_id] = db.session.scalar(
            db.select(Round.playbook_id).where(Round.id == session.round_id)
        )
    document = documents.get(playbook_id)
    if document is None:
        document = documents[playbook_id] = db.session.get(Playbook, playbook_id).document
    return document


def paired_document(session: Session) -> dict | None:
    """The document of the round's playbook in the other language, or None.

    Cached like session_document: a round's pairing is fixed when it is created and a stored
    playbook version never changes.
    """
    pairs = caches.round_paired_playbooks()
    documents = caches.paired_documents()
    if session.round_id not in pairs:
        pairs[session.round_id] = db.session.scalar(
            db.select(Round.paired_playbook_id).where(Round.id == session.round_id)
        )
    playbook_id = pairs[session.round_id]
    if playbook_id is None:
        return None
    if playbook_id not in documents:
        documents[playbook_id] = db.session.get(Playbook, playbook_id).document
    return documents[playbook_id]


def _by_position(canonical: list, translated: list) -> list:
    """`translated` paired with `canonical` by position; a missing position keeps its original."""
    return [translated[i] if i < len(translated) else item for i, item in enumerate(canonical)]


def document_for(main: dict, paired: dict | None, language: str) -> dict:
    """The playbook as a person reading `language` follows it (pure: documents in, dict out).

    The texts people read (title, intro, agenda titles, prompts and notes, lanes, roles,
    questions) come from the paired document when its Language is the person's and the main
    one's is not, matched by position. What the room shares stays the main playbook's:
    minutes and kinds (one clock), votes, anonymity, and the canonical `lane_keys` and
    `role_keys` that cards, cases and exports store.
    """
    out = dict(main, lane_keys=list(main["lanes"]), role_keys=list(main["roles"]))
    if paired is None or main.get("language") == language or paired.get("language") != language:
        return out
    out["language"] = paired["language"]
    out["title"] = paired["title"]
    out["intro_html"] = paired["intro_html"]
    out["lanes"] = _by_position(main["lanes"], paired["lanes"])
    out["roles"] = _by_position(main["roles"], paired["roles"])
    out["questions"] = _by_position(main["questions"], paired["questions"])
    sessions = []
    for index, agenda in enumerate(main["sessions"]):
        other = paired["sessions"][index] if index < len(paired["sessions"]) else agenda
        segments = []
        for position, segment in enumerate(agenda["segments"]):
            twin = other["segments"][position] if position < len(other["segments"]) else segment
            segments.append(
                dict(
                    segment,
                    title=twin["title"],
                    prompt_html=twin["prompt_html"],
                    notes_html=twin["notes_html"],
                )
            )
        sessions.append(dict(agenda, title=other["title"], segments=segments))
    out["sessions"] = sessions
    return out


def localized_document(session: Session, language: str | None = None) -> dict:
    """The session's playbook in `language` (default: the current locale), see document_for."""
    return document_for(
        session_document(session), paired_document(session), language or current_language()
    )


def canonical_name(name: object, keys: list[str], paired: list[str]) -> str | None:
    """The canonical name for `name` given in either language (by position), else None."""
    if not isinstance(name, str):
        return None
    if name in keys:
        return name
    if name in paired:
        index = paired.index(name)
        if index < len(keys):
            return keys[index]
    return None


def canonical_lane(session: Session, lane: object) -> str | None:
    """The main playbook's lane for a lane named in either language, else None."""
    keys = session_document(session)["lanes"]
    if lane in keys:
        return lane
    paired = paired_document(session)
    return canonical_name(lane, keys, paired["lanes"] if paired else [])


def canonical_role(session: Session, role: object) -> str | None:
    """The main playbook's role for a role named in either language, else None."""
    keys = session_document(session)["roles"]
    if role in keys:
        return role
    paired = paired_document(session)
    return canonical_name(role, keys, paired["roles"] if paired else [])


def role_label(session: Session, role: str) -> str:
    """A canonical role as a person reading the current locale calls it."""
    document = localized_document(session)
    keys = document["role_keys"]
    if role in keys:
        return document["roles"][keys.index(role)]
    return gettext("Participant") if role == DEFAULT_ROLE else role
