"""What a removal takes with it, and the removal itself (audited, in one transaction).

A playtest takes its rounds; a round its sessions; a session (only an empty one: never
started, nobody joined, nothing posted) nothing else. A playbook version goes only when no
round uses it. Every row below goes by the database's cascades; the audit entry stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from playtest.actions.models import Action
from playtest.enums import SessionStatus
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.models import (
    Attendance,
    AuditEntry,
    Case,
    Playbook,
    Playtest,
    Rating,
    Reflection,
    Round,
    SegmentRun,
    Session,
    User,
)


@dataclass(frozen=True)
class Removal:
    """What the confirmation page names: the thing, and each kind of row that goes with it."""

    name: str
    goes: list[str]
    blocked: str | None = None  # why it cannot be removed, if it cannot


def _count(model, condition) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition)) or 0


def _session_counts(session_ids: sa.Select) -> list[str]:
    """The rows of these sessions that go with them, in words ("3 cards"), zeros left out."""
    counted = (
        (Attendance, lambda n: ngettext("%(num)d attendance", "%(num)d attendances", n)),
        (Reflection, lambda n: ngettext("%(num)d card", "%(num)d cards", n)),
        (Case, lambda n: ngettext("%(num)d case and its log", "%(num)d cases and their logs", n)),
        (Rating, lambda n: ngettext("%(num)d rating answer", "%(num)d rating answers", n)),
    )
    out = []
    for model, words in counted:
        n = _count(model, model.session_id.in_(session_ids))
        if n:
            out.append(words(n))
    return out


def playtest_removal(playtest: Playtest) -> Removal:
    sessions = (
        sa.select(Session.id)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest.id)
    )
    n_sessions = _count(Session, Session.id.in_(sessions))
    n_actions = _count(Action, Action.playtest_id == playtest.id)
    goes = [ngettext("%(num)d round", "%(num)d rounds", len(playtest.rounds))]
    goes.append(ngettext("%(num)d session", "%(num)d sessions", n_sessions))
    goes += _session_counts(sessions)
    if n_actions:
        goes.append(ngettext("%(num)d action", "%(num)d actions", n_actions))
    return Removal(_("the playtest “%(title)s”", title=playtest.title), goes)


def round_removal(round_: Round) -> Removal:
    sessions = sa.select(Session.id).where(Session.round_id == round_.id)
    n_actions = _count(Action, Action.round_id == round_.id)
    goes = [ngettext("%(num)d session", "%(num)d sessions", len(round_.sessions))]
    goes += _session_counts(sessions)
    if n_actions:
        goes.append(ngettext("%(num)d action", "%(num)d actions", n_actions))
    return Removal(_("the round “%(label)s”", label=round_.label), goes)


def session_removal(session: Session) -> Removal:
    used = session.status != SessionStatus.NOT_STARTED or any(
        _count(model, model.session_id == session.id)
        for model in (Attendance, Reflection, Case, Rating, SegmentRun)
    )
    name = _("session %(n)d of “%(label)s”", n=session.number, label=session.round.label)
    blocked = None
    if used:
        blocked = _("Only a session that never started and that nobody joined can be removed.")
    return Removal(name, [_("its join code and projector link")], blocked)


def playbook_removal(playbook: Playbook) -> Removal:
    used = _count(
        Round, sa.or_(Round.playbook_id == playbook.id, Round.paired_playbook_id == playbook.id)
    )
    name = _("“%(title)s”, version %(v)d", title=playbook.title, v=playbook.version)
    blocked = _("A round uses this version, so it stays.") if used else None
    return Removal(name, [_("this version of the playbook")], blocked)


def _audit(user: User, action: str, target: str, detail: dict) -> None:
    db.session.add(
        AuditEntry(session_id=None, user_id=user.id, action=action, target=target, detail=detail)
    )


def remove(user: User, thing: Playtest | Round | Session | Playbook) -> None:
    """Remove it after the checks its confirmation page showed; ActionError if blocked."""
    removal = {
        Playtest: playtest_removal,
        Round: round_removal,
        Session: session_removal,
        Playbook: playbook_removal,
    }[type(thing)](thing)
    if removal.blocked:
        raise ActionError(ErrorCode.INVALID, removal.blocked)
    kind = type(thing).__name__.lower()
    _audit(user, f"{kind}:remove", f"{kind}:{thing.id}", {"removed": removal.goes})
    if isinstance(thing, Round):
        playtest = thing.playtest
        playtest.rounds.remove(thing)
        for position, other in enumerate(playtest.rounds):
            other.position = position
    else:
        db.session.delete(thing)
    db.session.commit()


def set_excluded(user: User, round_: Round, excluded: bool) -> None:
    """Leave a round (a trial run) out of every summary figure, or put it back; audited."""
    round_.excluded_from_summary = excluded
    _audit(user, "round:exclude", f"round:{round_.id}", {"excluded": excluded})
    db.session.commit()
