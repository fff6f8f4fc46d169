"""Pages: playtests, rounds and sessions; the facilitator console; projector; participant view."""

from __future__ import annotations

import segno
import sqlalchemy.orm as so
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from playtest import access, config
from playtest.access import Need
from playtest.auth.decorators import facilitator_required
from playtest.enums import MemberRole, SessionStatus
from playtest.errors import ActionError
from playtest.extensions import db, limiter
from playtest.facilitation import services as facilitation
from playtest.facilitation.forms import (
    ActionForm,
    CodeForm,
    JoinForm,
    PlaytestForm,
    RoundForm,
    ScheduleForm,
)
from playtest.i18n import current_language
from playtest.members import services as members
from playtest.members.forms import MEMBER_ROLE_NAMES, MemberForm
from playtest.models import Playbook, Playtest, Round, Session
from playtest.playbooks.documents import localized_document, role_label

bp = Blueprint("facilitation", __name__)


@bp.route("/playtests", methods=["GET", "POST"])
@facilitator_required(methods=("POST",))
def playtests():
    form = PlaytestForm()
    if form.validate_on_submit():
        playtest = facilitation.create_playtest(form.title.data, current_user)
        return redirect(url_for("facilitation.playtest", playtest_id=playtest.id))
    items = db.session.scalars(
        access.visible_playtests(current_user).options(
            so.selectinload(Playtest.rounds).selectinload(Round.sessions)
        )
    ).all()
    return render_template("facilitation/playtests.html", form=form, playtests=items), (
        400 if form.errors else 200
    )


def _round_form() -> RoundForm:
    form = RoundForm()
    choices = [
        (p.id, f"{p.title} — v{p.version} ({p.language})")
        for p in db.session.scalars(db.select(Playbook).order_by(Playbook.title, Playbook.version))
    ]
    form.playbook_id.choices = choices
    form.paired_playbook_id.choices = [(0, _("None"))] + choices
    return form


@bp.route("/playtests/<int:playtest_id>", methods=["GET", "POST"])
@login_required
def playtest(playtest_id: int):
    need = Need.FACILITATE if request.method == "POST" else Need.READ
    item = access.playtest_for(current_user, playtest_id, need)
    form = _round_form()
    if form.validate_on_submit():
        try:
            facilitation.add_round(
                item,
                form.label.data,
                form.playbook_id.data,
                paired_playbook_id=form.paired_playbook_id.data or None,
                baseline=form.baseline.data,
            )
        except ActionError as exc:
            form.label.errors.append(exc.message)
        else:
            flash(_("Round added."), "success")
            return redirect(url_for("facilitation.playtest", playtest_id=item.id))
    return playtest_page(item, form=form)


def playtest_page(
    item: Playtest, *, form: RoundForm | None = None, member_form: MemberForm | None = None
):
    """The playtest page (rounds, sessions, members), with a form's errors when one came back."""
    role = access.role_in(current_user, item.id)
    form = form or _round_form()
    member_form = member_form or MemberForm(formdata=None, role=MemberRole.FACILITATOR.value)
    errors = form.errors or member_form.errors
    return render_template(
        "facilitation/playtest.html",
        playtest=item,
        form=form,
        schedule_form=ScheduleForm(),
        action_form=ActionForm(),
        can_facilitate=access.grants(role, Need.FACILITATE),
        can_own=access.grants(role, Need.OWN),
        members=members.members_of(item),
        member_form=member_form,
    ), (400 if errors else 200)


# --- the playtest page's members section (the rules: members/services.py) -------------------


def _members_section(playtest_id: int):
    return redirect(url_for("facilitation.playtest", playtest_id=playtest_id, _anchor="members"))


@bp.post("/playtests/<int:playtest_id>/members")
@login_required
def add_member(playtest_id: int):
    playtest = access.playtest_for(current_user, playtest_id, Need.OWN)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member, _created = members.add_member(
                current_user, playtest, form.email.data, form.role.data
            )
        except ActionError as exc:
            form.email.errors.append(exc.message)
        else:
            role = dict(MEMBER_ROLE_NAMES)[member.role]
            flash(
                _("%(email)s is a member: %(role)s.", email=member.user.email, role=role),
                "success",
            )
            return _members_section(playtest.id)
    return playtest_page(playtest, member_form=form)


@bp.post("/playtests/<int:playtest_id>/members/<int:user_id>/remove")
@login_required
def remove_member(playtest_id: int, user_id: int):
    playtest = access.playtest_for(current_user, playtest_id, Need.OWN)
    if ActionForm().validate_on_submit():
        try:
            user = members.remove_member(current_user, playtest, user_id)
        except ActionError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(email)s is no longer a member.", email=user.email), "success")
    return _members_section(playtest.id)


@bp.post("/rounds/<int:round_id>/sessions")
@login_required
def schedule(round_id: int):
    round_ = access.round_for(current_user, round_id, Need.FACILITATE)
    form = ScheduleForm()
    if not form.validate_on_submit() or not (form.number.data or "").isdigit():
        flash(_("Choose a session to schedule."), "error")
    else:
        try:
            session, _created = facilitation.schedule_session(round_, int(form.number.data))
        except ActionError as exc:
            flash(exc.message, "error")
        else:
            flash(
                _(
                    "Session %(n)d is ready. Join code: %(code)s",
                    n=session.number,
                    code=session.join_code,
                ),
                "success",
            )
    return redirect(url_for("facilitation.playtest", playtest_id=round_.playtest_id))


@bp.post("/rounds/<int:round_id>/baseline")
@login_required
def mark_baseline(round_id: int):
    round_ = access.round_for(current_user, round_id, Need.FACILITATE)
    if ActionForm().validate_on_submit():
        facilitation.mark_baseline(round_)
        flash(_("“%(label)s” is now the baseline.", label=round_.label), "success")
    return redirect(url_for("facilitation.playtest", playtest_id=round_.playtest_id))


def join_url(session: Session) -> str:
    return url_for("facilitation.join", code=session.join_code, _external=True)


def qr_svg(session: Session, scale: int = 6) -> Markup:
    """The join link as an inline SVG QR code (segno output: no scripts, no external refs).

    No width or height, only a viewBox: the pt-qr__svg class sizes it to its box (live.css).
    """
    svg = segno.make(join_url(session), error="m").svg_inline(
        scale=scale, dark="#0b0c0c", light="#ffffff", omitsize=True, svgclass="segno pt-qr__svg"
    )
    return Markup(svg)


@bp.get("/sessions/<int:session_id>/console")
@login_required
def console(session_id: int):
    session, role = access.session_access(current_user, session_id)
    projector_link = url_for(
        "facilitation.projector", session_id=session.id, key=session.view_token, _external=True
    )
    doc = localized_document(session)
    following = next((s for s in session.round.sessions if s.number == session.number + 1), None)
    return render_template(
        "facilitation/console.html",
        next_session=following,
        session=session,
        doc=doc,
        agenda=doc["sessions"][session.number - 1],
        join_link=join_url(session),
        projector_link=projector_link,
        qr=qr_svg(session, 4),
        can_facilitate=access.grants(role, Need.FACILITATE),
    )


@bp.get("/sessions/<int:session_id>/projector")
def projector(session_id: int):
    """The room's screen: its secret view link, or a member's login. It always connects as a
    projector, with the view key, so it receives only what the room may see."""
    key = request.args.get("key", "")
    if facilitation.projector_viewer(session_id, key) is not None:
        session = db.session.get(Session, session_id)
    else:  # without the link: members only, and a 404 for anyone else (as for a wrong key)
        session = access.session_for(current_user, session_id)
    return render_template(
        "facilitation/projector.html",
        session=session,
        doc=localized_document(session),
        view_token=session.view_token,
        join_link=join_url(session),
        qr=qr_svg(session, 10),
    )


@bp.get("/sessions/<int:session_id>/qr.svg")
@login_required
def qr(session_id: int):
    session = access.session_for(current_user, session_id)
    return Response(str(qr_svg(session, 10)), mimetype="image/svg+xml")


def _join_limit() -> str:
    return current_app.config["RATELIMIT_JOIN"]


def _join_page_limit() -> str:
    return current_app.config["RATELIMIT_JOIN_PAGE"]


@bp.get("/")
@limiter.limit(_join_page_limit)
def front():
    """The participant's front door: type the join code (DESIGN.md §6). Staff sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("facilitation.playtests"))
    form = CodeForm(request.args)
    if "code" not in request.args:
        return render_template("facilitation/front.html", form=form)
    if form.validate():
        try:
            session = facilitation.session_by_code(form.code.data)
        except ActionError as exc:
            form.code.errors.append(exc.message)
        else:
            return redirect(url_for("facilitation.join", code=session.join_code))
    return render_template("facilitation/front.html", form=form), 400


@bp.get("/j/")
@bp.get("/join")
def front_again():
    """A join link with the code left off: the page to type it on."""
    return redirect(url_for("facilitation.front"))


@bp.route("/j/<code>", methods=["GET", "POST"])
@limiter.limit(_join_limit, methods=["POST"])
@limiter.limit(_join_page_limit, methods=["GET"])
def join(code: str):
    """Participant entry: the join form, then the live view (reload keeps you joined)."""
    try:
        session = facilitation.session_by_code(code)
    except ActionError as exc:
        # A mistyped link: the front door, with what was typed kept and why it failed.
        form = CodeForm(data={"code": code})
        form.code.errors = [exc.message]
        return render_template("facilitation/front.html", form=form), 404
    if session.join_code != code:
        return redirect(url_for("facilitation.join", code=session.join_code))
    session_cookie = f"pt_s{session.id}"
    attendance = facilitation.attendance_for_token(request.cookies.get(session_cookie))
    if attendance is not None and attendance.session_id == session.id and request.method == "GET":
        return _participant_view(session, attendance, request.cookies.get(session_cookie))
    if session.status == SessionStatus.FINISHED:
        abort(410)
    doc = localized_document(session)  # roles in this person's language; join maps them back
    form = JoinForm()
    form.role.choices = [(r, r) for r in doc["roles"]] or [("", _("Participant"))]
    if not doc["roles"]:
        form.role.validators = []
    if form.validate_on_submit():
        playtest_cookie = f"pt_p{session.round.playtest_id}"
        previous = form.previous_token.data or request.cookies.get(playtest_cookie)
        try:
            token, attendance = facilitation.join(
                session.join_code,
                form.display_name.data,
                form.role.data or "",
                previous,
                current_language(),  # the page's language: their choice, else the browser's
            )
        except ActionError as exc:
            form.display_name.errors.append(exc.message)
        else:
            response = make_response(redirect(url_for("facilitation.join", code=session.join_code)))
            secure = request.is_secure
            response.set_cookie(
                session_cookie,
                token,
                max_age=config.SESSION_COOKIE_DAYS * 86400,
                httponly=True,
                samesite="Lax",
                secure=secure,
            )
            response.set_cookie(
                playtest_cookie,
                token,
                max_age=config.PLAYTEST_COOKIE_DAYS * 86400,
                httponly=True,
                samesite="Lax",
                secure=secure,
            )
            return response
    return render_template("facilitation/join.html", session=session, doc=doc, form=form), (
        400 if form.errors else 200
    )


def _participant_view(session: Session, attendance, token: str):
    language = current_language()
    if attendance.language != language:
        # They switched language on this page: the live session follows (state, acks).
        attendance.language = language
        db.session.commit()
    response = make_response(
        render_template(
            "facilitation/participant.html",
            session=session,
            doc=localized_document(session, language),
            attendance=attendance,
            role=role_label(session, attendance.role),
            token=token,
        )
    )
    return response
