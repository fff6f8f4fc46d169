"""Sign in and out, and set a password from a one-time link (POST-redirect-GET, CSRF on all)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from playtest.auth.forms import LoginForm, SetPasswordForm
from playtest.auth.services import (
    authenticate,
    end_sessions,
    password_link_user,
    use_password_link,
)
from playtest.extensions import limiter
from playtest.revocation import drop_staff_sockets

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append(_("Email address or password is not right"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
@login_required
def logout():
    """Sign out everywhere: this cookie, any copy of it, and the account's open consoles."""
    user = current_user._get_current_object()
    end_sessions(user)
    drop_staff_sockets(user.id)
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def set_password(token: str):
    """The page a one-time link opens: choose a password, then sign in with it."""
    user = password_link_user(token)
    if user is None:
        abort(404)  # used, expired or never issued: the same answer
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = use_password_link(token, form.password.data)
        if user is None:
            abort(404)
        drop_staff_sockets(user.id)
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password is set. Sign in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, email=user.email), (
        400 if form.errors else 200
    )


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so a crafted link cannot bounce people elsewhere."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("facilitation.playtests")
