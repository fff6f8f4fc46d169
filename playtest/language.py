"""The language toggle on every page: its form and route, and what base.html needs to draw it.

An edge: i18n.py decides the locale; this lets a person change it and keeps a `?lang=`
link's choice.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, redirect, request, session
from flask_babel import force_locale, gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from playtest import config
from playtest.extensions import login_manager
from playtest.i18n import COOKIE, current_language

# The blueprint keeps the name templates know it by (url_for("i18n.choose")).
bp = Blueprint("i18n", __name__)

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


@bp.record_once
def _translate_sign_in_prompt(state) -> None:
    """Flask-Login's "please sign in" flash, in the person's language like every other."""
    login_manager.login_message = lazy_gettext("Sign in to see this page")
    login_manager.localize_callback = str  # the lazy text, in the request's language


@bp.before_app_request
def remember_link_language() -> None:
    """A `?lang=fr` link (a bilingual join link, say) keeps its language after redirects."""
    chosen = request.args.get("lang")
    if chosen in config.LANGUAGES and session.get("lang") != chosen and request.blueprint != "api":
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
    if form.validate_on_submit() and form.lang.data in config.LANGUAGES:
        session["lang"] = form.lang.data
        response.set_cookie(
            COOKIE,
            form.lang.data,
            max_age=config.LANGUAGE_COOKIE_DAYS * 86400,
            samesite="Lax",
            httponly=True,
        )
    return response


def template_globals() -> dict:
    """`lang`, the other language to offer, and a ready form for the toggle in base.html."""
    lang = current_language()
    other = next(code for code in config.LANGUAGES if code != lang)
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
