"""Language choice (English/French): per person, remembered, default from the browser."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, session
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from playtest.config import LANGUAGES

bp = Blueprint("i18n", __name__)

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
COOKIE = "lang"
COOKIE_DAYS = 365


def select_locale() -> str:
    """The person's choice (this session, then the remembered cookie), else Accept-Language."""
    from flask import has_request_context

    if not has_request_context():
        return "en"  # CLI and background work; callers force a locale when they need another
    for chosen in (request.args.get("lang"), session.get("lang"), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


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
    form = LanguageForm(formdata=None, lang=other, next=request.full_path.rstrip("?"))
    return {
        "lang": lang,
        "other_lang": other,
        "other_lang_name": LANGUAGE_NAMES[other],
        "language_form": form,
    }
