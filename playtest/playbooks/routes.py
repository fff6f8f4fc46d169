"""Playbook library: upload, preview, participant share page, participant markdown download."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from playtest.auth.decorators import facilitator_required
from playtest.extensions import db
from playtest.models import Playbook
from playtest.playbooks.forms import UploadForm
from playtest.playbooks.parser import participant_markdown
from playtest.playbooks.services import (
    family_of,
    import_playbook,
    library,
    problems_json,
    stored_warnings,
)

bp = Blueprint("playbooks", __name__)


@bp.route("/playbooks", methods=["GET", "POST"])
@facilitator_required(methods=("POST",))
def index():
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        if form.file.data:
            source, filename = form.file.data.read(), form.file.data.filename
        else:
            source, filename = (form.text.data or "").encode("utf-8"), None
        if not source.strip():
            form.text.errors.append(_("Choose a file or paste a playbook"))
        else:
            result = import_playbook(source, user=current_user, filename=filename)
            if not result.errors:
                message = (
                    _(
                        "Imported “%(t)s”, version %(v)d.",
                        t=result.playbook.title,
                        v=result.playbook.version,
                    )
                    if result.created
                    else _("That exact playbook is already in the library.")
                )
                flash(message, "success")
                return redirect(url_for("playbooks.preview", playbook_id=result.playbook.id))
    status = 422 if result and result.errors else (400 if form.errors else 200)
    return render_template(
        "playbooks/index.html",
        form=form,
        errors=problems_json(result.errors) if result else [],
        warnings=problems_json(result.warnings) if result else [],
        playbooks=library(),
    ), status


@bp.get("/playbooks/<int:playbook_id>")
@login_required
def preview(playbook_id: int):
    playbook = db.get_or_404(Playbook, playbook_id)
    versions = db.session.scalars(
        db.select(Playbook)
        .where(Playbook.family == playbook.family)
        .order_by(Playbook.version.desc())
    ).all()
    return render_template(
        "playbooks/preview.html",
        playbook=playbook,
        doc=playbook.document,
        versions=versions,
        warnings=problems_json(stored_warnings(playbook)),
        staff=True,
    )


def _shared(share_token: str) -> Playbook:
    playbook = db.session.scalar(db.select(Playbook).where(Playbook.share_token == share_token))
    if playbook is None:
        abort(404)
    return playbook


@bp.get("/p/<share_token>")
def shared(share_token: str):
    """The participant-facing page: agenda, prompts, lanes, questions; no facilitator notes."""
    playbook = _shared(share_token)
    return render_template(
        "playbooks/preview.html", playbook=playbook, doc=playbook.document, versions=[], staff=False
    )


@bp.get("/p/<share_token>.md")
def shared_markdown(share_token: str):
    playbook = _shared(share_token)
    name = re.sub(r"[^\w-]+", "-", family_of(playbook.title))[:60] or "playbook"
    return Response(
        participant_markdown(playbook.source),
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="{name}-v{playbook.version}.md"'},
    )
