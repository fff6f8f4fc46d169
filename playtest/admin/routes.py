"""/admin/users: admins create, deactivate and reset accounts and revoke their API tokens."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from playtest.admin.forms import AccountForm
from playtest.auth import services as accounts
from playtest.auth.decorators import admin_required
from playtest.extensions import db
from playtest.facilitation.forms import ActionForm
from playtest.models import ApiToken, User
from playtest.revocation import drop_staff_sockets

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _users_page(form: AccountForm):
    users = db.session.scalars(sa.select(User).order_by(User.email)).all()
    tokens = dict(
        db.session.execute(
            sa.select(ApiToken.user_id, sa.func.count()).group_by(ApiToken.user_id)
        ).all()
    )
    return render_template("admin/users.html", users=users, tokens=tokens, form=form), (
        400 if form.errors else 200
    )


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = AccountForm()
    if form.validate_on_submit():
        if accounts.find_user(form.email.data) is not None:
            form.email.errors.append(_("There is already an account with that email address."))
        else:
            user = accounts.create_account(form.email.data, form.role.data)
            return _link_page(user, accounts.issue_password_link(user), created=True)
    return _users_page(form)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not ActionForm().validate_on_submit():
        abort(404 if user is None else 400)
    return user


def _link_page(user: User, token: str, created: bool):
    """The set-password link, shown once on this page (never in a redirect or a cookie)."""
    link = url_for("auth.set_password", token=token, _external=True)
    return render_template("admin/link.html", user=user, link=link, created=created)


@bp.post("/users/<int:user_id>/reset")
@admin_required
def reset(user_id: int):
    user = _user(user_id)
    token = accounts.reset_account(user)
    drop_staff_sockets(user.id)
    return _link_page(user, token, created=False)


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate(user_id: int):
    user = _user(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        accounts.set_active(user, False)
        drop_staff_sockets(user.id)
        flash(_("%(email)s is deactivated and signed out.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int):
    user = _user(user_id)
    accounts.set_active(user, True)
    flash(_("%(email)s can sign in again.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/revoke-tokens")
@admin_required
def revoke_tokens(user_id: int):
    user = _user(user_id)
    count = accounts.revoke_tokens(user)
    drop_staff_sockets(user.id)
    flash(
        ngettext(
            "Revoked %(num)d API token of %(email)s.",
            "Revoked %(num)d API tokens of %(email)s.",
            count,
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.users"))
