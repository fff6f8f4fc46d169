"""Language choice (English/French) per person, and paired playbooks in one live session.

Each person picks a language (toggle on every page, remembered; `?lang=` on a link is
remembered too; default from the browser's Accept-Language). A round may hold the same
playbook in the other language (Round.paired_playbook): each person then follows the agenda,
lanes, roles and questions in their language, paired *by position* with the round's own
playbook, whose names stay the canonical ones the board, exports and summary share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request, session
from flask_babel import force_locale, get_locale, gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from playtest.config import LANGUAGES

if TYPE_CHECKING:
    from playtest.models import Attendance, Session

bp = Blueprint("i18n", __name__)

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
COOKIE = "lang"
COOKIE_DAYS = 365
# The role of everyone in a playbook without Roles, stored as is and shown translated.
DEFAULT_ROLE = "Participant"


def chosen_language() -> str | None:
    """What the person chose: `?lang=`, then this browser session, then the remembered cookie."""
    if not has_request_context():
        return None
    for chosen in (request.args.get("lang"), session.get("lang"), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return None


def select_locale() -> str:
    """The person's choice, else the browser's Accept-Language, else English."""
    if not has_request_context():
        return "en"  # CLI and background work; callers force a locale when they need another
    return chosen_language() or request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


@bp.record_once
def _translate_sign_in_prompt(state) -> None:
    """Flask-Login's "please sign in" flash, in the person's language like every other."""
    from playtest.extensions import login_manager

    login_manager.login_message = lazy_gettext("Sign in to see this page")
    login_manager.localize_callback = str  # the lazy text, in the request's language


@bp.before_app_request
def remember_link_language() -> None:
    """A `?lang=fr` link (a bilingual join link, say) keeps its language after redirects."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and session.get("lang") != chosen and request.blueprint != "api":
        session["lang"] = chosen


class LanguageForm(FlaskForm):
    lang = HiddenField()
    next = HiddenField()
    submit = SubmitField()


@bp.post("/language")
def choose():
    """Switch language and come back to the same page (the choice is remembered)."""
    form = LanguageForm()
    target = form.next.data or "/"
    if not target.startswith("/") or urlsplit(target).netloc or "\\" in target:
        target = "/"
    response = redirect(target)
    if form.validate_on_submit() and form.lang.data in LANGUAGES:
        session["lang"] = form.lang.data
        response.set_cookie(
            COOKIE, form.lang.data, max_age=COOKIE_DAYS * 86400, samesite="Lax", httponly=True
        )
    return response


def template_globals() -> dict:
    """`lang`, the other language to offer, and a ready form for the toggle in base.html."""
    lang = current_language()
    other = next(code for code in LANGUAGES if code != lang)
    # Drop ?lang= from the way back, or it would undo the switch.
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"])
    back = request.path + (f"?{query}" if query else "")
    form = LanguageForm(formdata=None, lang=other, next=back)
    with force_locale(other):
        # Read out in the language it offers, like the button's own text.
        label = gettext("%(language)s — change language", language=LANGUAGE_NAMES[other])
    return {
        "lang": lang,
        "other_lang": other,
        "other_lang_name": LANGUAGE_NAMES[other],
        "other_lang_label": label,
        "language_form": form,
    }


# --- paired playbooks -----------------------------------------------------------------------


def paired_document(session: Session) -> dict | None:
    """The document of the round's playbook in the other language, or None.

    Cached per app like session_document: a round's pairing is fixed when it is created and
    a stored playbook version never changes.
    """
    from playtest.extensions import db
    from playtest.models import Playbook, Round

    pairs = current_app.extensions.setdefault("playtest.round_paired_playbooks", {})
    documents = current_app.extensions.setdefault("playtest.paired_documents", {})
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
    from playtest.facilitation.services import session_document

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
    from playtest.facilitation.services import session_document

    keys = session_document(session)["lanes"]
    if lane in keys:
        return lane
    paired = paired_document(session)
    return canonical_name(lane, keys, paired["lanes"] if paired else [])


def canonical_role(session: Session, role: object) -> str | None:
    """The main playbook's role for a role named in either language, else None."""
    from playtest.facilitation.services import session_document

    keys = session_document(session)["roles"]
    if role in keys:
        return role
    paired = paired_document(session)
    return canonical_name(role, keys, paired["roles"] if paired else [])


def role_label(session: Session, role: str) -> str:
    """A canonical role as a person reading the current locale calls it."""
    from flask_babel import gettext

    document = localized_document(session)
    keys = document["role_keys"]
    if role in keys:
        return document["roles"][keys.index(role)]
    return gettext("Participant") if role == DEFAULT_ROLE else role


def viewer_language(attendance: Attendance | None = None) -> str:
    """A participant's language is the one they joined (or last viewed the page) in;
    anyone else's comes from their request (for a socket, its handshake)."""
    if attendance is not None and attendance.language in LANGUAGES:
        return attendance.language
    return select_locale()
