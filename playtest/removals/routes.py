"""Confirmation pages and removals: GET names what will go, POST (CSRF) removes it.

Members who may not remove it (observers; non-owners for a playtest) read the page without
the button; a POST from them is `forbidden`, and non-members get 404 as everywhere.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from playtest import access
from playtest.access import Need
from playtest.enums import AccountRole
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.models import Playbook
from playtest.removals import services as removals
from playtest.removals.forms import ExcludeForm, RemoveForm

bp = Blueprint("removals", __name__)


def _confirm(removal: removals.Removal, action: str, back: str, allowed: bool):
    return render_template(
        "removals/confirm.html",
        removal=removal,
        action=action,
        back=back,
        allowed=allowed,
        form=RemoveForm(),
    )


def _checked_form() -> None:
    if not RemoveForm().validate_on_submit():
        raise ActionError(ErrorCode.INVALID, _("The form expired. Try again."))


def _can(playtest_id: int, need: Need) -> bool:
    return access.grants(access.role_in(current_user, playtest_id), need)


@bp.route("/playtests/<int:playtest_id>/remove", methods=["GET", "POST"])
@login_required
def remove_playtest(playtest_id: int):
    need = Need.OWN if request.method == "POST" else Need.READ
    playtest = access.playtest_for(current_user, playtest_id, need)
    back = url_for("facilitation.playtest", playtest_id=playtest.id)
    if request.method == "GET":
        allowed = _can(playtest.id, Need.OWN)
        return _confirm(removals.playtest_removal(playtest), request.path, back, allowed)
    _checked_form()
    title = playtest.title
    removals.remove(current_user, playtest)
    flash(_("Removed the playtest “%(title)s”.", title=title), "success")
    return redirect(url_for("facilitation.playtests"))


@bp.route("/rounds/<int:round_id>/remove", methods=["GET", "POST"])
@login_required
def remove_round(round_id: int):
    need = Need.FACILITATE if request.method == "POST" else Need.READ
    round_ = access.round_for(current_user, round_id, need)
    back = url_for("facilitation.playtest", playtest_id=round_.playtest_id)
    if request.method == "GET":
        allowed = _can(round_.playtest_id, Need.FACILITATE)
        return _confirm(removals.round_removal(round_), request.path, back, allowed)
    _checked_form()
    label = round_.label
    removals.remove(current_user, round_)
    flash(_("Removed the round “%(label)s”.", label=label), "success")
    return redirect(back)


@bp.route("/sessions/<int:session_id>/remove", methods=["GET", "POST"])
@login_required
def remove_session(session_id: int):
    need = Need.FACILITATE if request.method == "POST" else Need.READ
    session = access.session_for(current_user, session_id, need)
    playtest_id = session.round.playtest_id
    back = url_for("facilitation.playtest", playtest_id=playtest_id)
    if request.method == "GET":
        allowed = _can(playtest_id, Need.FACILITATE)
        return _confirm(removals.session_removal(session), request.path, back, allowed)
    _checked_form()
    removals.remove(current_user, session)
    flash(_("Removed the session."), "success")
    return redirect(back)


@bp.route("/playbooks/<int:playbook_id>/remove", methods=["GET", "POST"])
@login_required
def remove_playbook(playbook_id: int):
    playbook = db.session.get(Playbook, playbook_id)
    if playbook is None:
        abort(404)
    allowed = current_user.role != AccountRole.OBSERVER
    back = url_for("playbooks.preview", playbook_id=playbook.id)
    if request.method == "GET":
        return _confirm(removals.playbook_removal(playbook), request.path, back, allowed)
    if not allowed:
        raise ActionError(ErrorCode.FORBIDDEN, _("Observers can only read."))
    _checked_form()
    removals.remove(current_user, playbook)
    flash(_("Removed the playbook version."), "success")
    return redirect(url_for("playbooks.index"))


@bp.post("/rounds/<int:round_id>/exclusion")
@login_required
def exclude_round(round_id: int):
    round_ = access.round_for(current_user, round_id, Need.FACILITATE)
    form = ExcludeForm()
    if not form.validate_on_submit():
        raise ActionError(ErrorCode.INVALID, _("The form expired. Try again."))
    removals.set_excluded(current_user, round_, form.excluded.data == "1")
    if round_.excluded_from_summary:
        flash(_("“%(label)s” is left out of the summary.", label=round_.label), "success")
    else:
        flash(_("“%(label)s” is back in the summary.", label=round_.label), "success")
    return redirect(url_for("facilitation.playtest", playtest_id=round_.playtest_id))
