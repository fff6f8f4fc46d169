""" "You said, we did": the page at /y/<token> (no account) and the playtest page's switch."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from playtest import access
from playtest.access import Need
from playtest.actions import feedback
from playtest.actions.forms import FeedbackLinkForm
from playtest.errors import ActionError, ErrorCode

bp = Blueprint("actions", __name__)


def _done(change: str) -> str:
    return {
        "enable": _("The “You said, we did” link is on."),
        "disable": _("The “You said, we did” link is off."),
        "regenerate": _("The “You said, we did” link is new: the old one no longer works."),
    }[change]


@bp.get("/y/<token>")
def feedback_page(token: str):
    playtest = feedback.playtest_by_token(token)
    if playtest is None:
        abort(404)
    return render_template(
        "actions/feedback.html", playtest=playtest, rounds=feedback.round_feedback(playtest)
    )


@bp.post("/playtests/<int:playtest_id>/feedback-link")
@login_required
def feedback_link(playtest_id: int):
    playtest = access.playtest_for(current_user, playtest_id, Need.FACILITATE)
    form = FeedbackLinkForm()
    if not form.validate_on_submit():
        raise ActionError(ErrorCode.INVALID, _("The form expired. Try again."))
    change = form.change.data or ""
    feedback.change_link(current_user, playtest, change)
    flash(_done(change), "success")
    return redirect(url_for("facilitation.playtest", playtest_id=playtest.id, _anchor="feedback"))
